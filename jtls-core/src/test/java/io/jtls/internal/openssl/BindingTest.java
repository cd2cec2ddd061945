package io.jtls.internal.openssl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.error.OpenSslException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BindingTest {

    @Test
    void loadsOpenSsl3AndReportsItsVersion() {
        assertTrue(OpenSsl.versionNumber() >= NativeLibrary.MIN_VERSION_NUMBER, OpenSsl.versionText());
        assertTrue(OpenSsl.versionText().startsWith("OpenSSL 3."), OpenSsl.versionText());
        assertTrue(OpenSsl.version().matches("3\\.\\d+\\.\\d+.*"), OpenSsl.version());
    }

    @Test
    void failedCallDrainsTheQueueIntoNodesCode() {
        ErrorQueue.clear();
        try (NativeHandle bio = Bios.of("not a certificate".getBytes(StandardCharsets.US_ASCII))) {
            MemorySegment x509 = PemCalls.PEM_read_bio_X509(bio.get(), MemorySegment.NULL,
                    MemorySegment.NULL, MemorySegment.NULL);
            assertTrue(Types.isNull(x509));
            OpenSslException e = ErrorQueue.exception("PEM_read_bio_X509", "ERR_OSSL_PEM_NO_START_LINE");
            // Node: crypto.X509Certificate / tls with a garbage PEM gives this code.
            assertEquals("ERR_OSSL_PEM_NO_START_LINE", e.code());
            assertEquals("PEM routines", e.library());
            assertEquals("no start line", e.reason());
            assertTrue(e.getMessage().startsWith("error:"), e.getMessage());
            assertFalse(ErrorQueue.hasError(), "drain empties the queue");
        }
    }

    @Test
    void emptyQueueGivesTheFallbackCode() {
        ErrorQueue.clear();
        OpenSslException e = ErrorQueue.exception("SSL_CTX_new", "ERR_SOMETHING");
        assertEquals("ERR_SOMETHING", e.code());
        assertEquals("SSL_CTX_new failed", e.getMessage());
    }

    @Test
    void handleFreesOnceAndRefusesUseAfterClose() {
        long before = NativeKind.BIO.live();
        NativeHandle bio = Bios.newMemory();
        assertEquals(before + 1, NativeKind.BIO.live());
        bio.close();
        bio.close();
        assertEquals(before, NativeKind.BIO.live());
        assertThrows(IllegalStateException.class, bio::get);
        assertFalse(bio.isOpen());
    }

    @Test
    void releaseForgetsWithoutFreeing() {
        long before = NativeKind.BIO.live();
        NativeHandle bio = Bios.newMemory();
        MemorySegment raw = bio.release();
        assertEquals(before, NativeKind.BIO.live());
        // Now we are the C owner: free it the way OpenSSL would.
        NativeHandle.own(NativeKind.BIO, raw).close();
        assertEquals(before, NativeKind.BIO.live());
    }

    @Test
    void bioRoundTrip() {
        byte[] data = "hello".getBytes(StandardCharsets.US_ASCII);
        try (NativeHandle bio = Bios.of(data)) {
            assertEquals("hello", new String(Bios.contents(bio), StandardCharsets.US_ASCII));
            assertEquals(5, BioCalls.BIO_pending(bio.get()));
        }
    }
}
