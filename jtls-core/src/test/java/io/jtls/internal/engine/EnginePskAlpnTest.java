package io.jtls.internal.engine;

import static io.jtls.internal.engine.EngineFailureTest.assertCode;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.error.TlsException;
import io.jtls.support.NativeLeakCheck;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The engine's side of PSK (the key functions run inside OpenSSL's callback, guarded) and of
 * {@code ALPNCallback} (a choice recorded at the ClientHello pause answers OpenSSL's ALPN
 * selection), client and server engines in memory.
 */
class EnginePskAlpnTest {
    @RegisterExtension
    final NativeLeakCheck leaks = NativeLeakCheck.after(() -> TestPki.ROOT.hashCode());

    private static final byte[] KEY = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

    private static TestContexts.Builder psk12() {
        return TestContexts.builder().maxVersion("TLSv1.2").ciphers("PSK-AES128-GCM-SHA256");
    }

    @Test
    void pskWithoutCertificatesEitherVersion() {
        for (String version : List.of("TLSv1.2", "TLSv1.3")) {
            try (var serverCtx = TestContexts.builder().ciphers("PSK-AES128-GCM-SHA256").maxVersion(version).build();
                 var clientCtx = TestContexts.builder().ciphers("PSK-AES128-GCM-SHA256").maxVersion(version).build();
                 var pair = new EnginePair(clientCtx, serverCtx)) {
                AtomicReference<String> hint = new AtomicReference<>("not asked");
                AtomicReference<String> identity = new AtomicReference<>();
                pair.server.setPskServer((id, max) -> {
                    identity.set(id);
                    assertEquals(PskLimits.MAX_KEY, max);
                    return KEY;
                }, "the hint");
                pair.client.setPskClient((h, maxKey, maxIdentity) -> {
                    hint.set(h);
                    return new Psk.Credentials(KEY, "client-1");
                });
                pair.handshake();
                assertEquals(version, pair.client.protocol());
                assertEquals("client-1", identity.get());
                assertEquals(version.equals("TLSv1.2") ? "the hint" : null, hint.get());
                assertNull(pair.client.verifyError(), "a PSK server needs no certificate (Node's VerifyPeerCertificate)");
                assertNull(pair.client.peerCertificate(false));
            }
        }
    }

    @Test
    void aKeyFunctionCannotDriveItsOwnEngine() {
        try (var serverCtx = psk12().build(); var clientCtx = psk12().build(); var pair = new EnginePair(clientCtx, serverCtx)) {
            AtomicReference<Throwable> refused = new AtomicReference<>();
            pair.server.setPskServer((id, max) -> {
                // Re-entering OpenSSL on the same SSL from its own callback would corrupt it: refused.
                for (Runnable drive : List.<Runnable>of(pair.server::handshake, () -> pair.server.clearOut(ByteBuffer.allocate(8)),
                        () -> pair.server.encOut(ByteBuffer.allocate(8)), pair.server::close)) {
                    IllegalStateException e = assertThrows(IllegalStateException.class, drive::run);
                    refused.compareAndSet(null, e);
                }
                assertEquals("TLSv1.2", pair.server.protocol(), "reading the connection is allowed");
                return KEY;
            }, null);
            pair.client.setPskClient((h, maxKey, maxIdentity) -> new Psk.Credentials(KEY, "id"));
            pair.handshake();
            assertNotNull(refused.get());
            assertEquals(EngineState.ESTABLISHED, pair.server.state(), "the refusals did not disturb the handshake");
        }
    }

    @Test
    void aKeyFunctionThatThrowsFailsTheHandshakeWithoutUnwindingIntoOpenSsl() {
        try (var serverCtx = psk12().build(); var clientCtx = psk12().build(); var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.server.setPskServer((id, max) -> {
                throw new IllegalStateException("escaped");
            }, null);
            pair.client.setPskClient((h, maxKey, maxIdentity) -> new Psk.Credentials(KEY, "id"));
            EnginePair.Failures f = pair.handshakeUntilError();
            assertCode("ERR_INTERNAL_ASSERTION", f.server());
            assertEquals("escaped", f.server().getCause().getMessage());
        }
    }

    @Test
    void overlongAnswersAreRefusedNotCopied() {
        try (var serverCtx = psk12().build(); var clientCtx = psk12().build(); var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.server.setPskServer((id, max) -> KEY, null);
            pair.client.setPskClient((h, maxKey, maxIdentity) -> new Psk.Credentials(KEY, "x".repeat(maxIdentity + 1)));
            EnginePair.Failures f = pair.handshakeUntilError();
            assertNotNull(f.client(), "no identity was offered: the client cannot complete a PSK handshake");
        }
    }

    @Test
    void connectionsWithoutPskNeitherOfferNorAcceptPskSuites() {
        try (var serverCtx = psk12().build(); var clientCtx = psk12().build(); var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.server.setPskServer((id, max) -> KEY, null); // the client has no callback: OpenSSL offers no PSK suite
            EnginePair.Failures f = pair.handshakeUntilError();
            assertNotNull(f.client());
        }
    }

    @Test
    void alpnChoiceRecordedAtTheClientHelloAnswersTheSelection() {
        try (var serverCtx = TestContexts.builder().cert(TestPki.SERVER_EC).build();
             var clientCtx = TestContexts.builder().ca(TestPki.ROOT).build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.client.setAlpnProtocols(List.of("h2", "http/1.1", "x"));
            pair.server.pauseAt(PausePoint.CLIENT_HELLO);
            pair.handshake();
            assertEquals(EngineState.AWAITING_CLIENT_HELLO, pair.server.state());
            assertEquals(List.of("h2", "http/1.1", "x"), pair.server.clientHello().alpnProtocols());
            assertThrows(IllegalArgumentException.class, () -> pair.server.chooseAlpn("spdy"));
            pair.server.chooseAlpn("http/1.1");
            pair.resumeServer();
            assertEquals("http/1.1", pair.client.alpnProtocol());
            assertEquals("http/1.1", pair.server.alpnProtocol());
        }
    }

    @Test
    void aRefusalIsTheNoApplicationProtocolAlert() {
        try (var serverCtx = TestContexts.builder().cert(TestPki.SERVER_EC).build();
             var clientCtx = TestContexts.builder().ca(TestPki.ROOT).build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.client.setAlpnProtocols(List.of("h2"));
            pair.server.pauseAt(PausePoint.CLIENT_HELLO);
            pair.handshake();
            pair.server.chooseAlpn(null);
            assertCode("ERR_SSL_NO_APPLICATION_PROTOCOL", assertThrows(TlsException.class, pair.server::resumeHandshake));
            pair.transfer(pair.server, pair.client); // the alert
            assertCode("ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL", assertThrows(TlsException.class, pair.client::handshake));
        }
    }

    /** OpenSSL 3.0's limits ({@code PSK_MAX_PSK_LEN}), as the server callback is told. */
    private static final class PskLimits {
        static final int MAX_KEY = 512;
    }
}
