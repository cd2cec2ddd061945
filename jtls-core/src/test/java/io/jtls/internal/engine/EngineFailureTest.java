package io.jtls.internal.engine;

import static io.jtls.internal.engine.TestPki.ROOT;
import static io.jtls.internal.engine.TestPki.SERVER_EC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.error.OpenSslException;
import io.jtls.error.TlsException;
import io.jtls.internal.context.SecureContexts;
import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.support.NativeLeakCheck;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Handshake failures surface as Node reports them, on both sides, after the failing side's
 * alert reached its peer. The codes were taken from Node v20 (OpenSSL 3.0.19) running the
 * same setups (server tlsClientError / client error events).
 */
class EngineFailureTest {
    @RegisterExtension
    final NativeLeakCheck leaks = NativeLeakCheck.after(() -> TestPki.ROOT.hashCode()); // make the PKI before counting

    @Test
    void noSharedCipher() {
        try (var serverCtx = TestContexts.builder().cert(TestPki.SERVER_RSA).maxVersion("TLSv1.2").ciphers("AES256-SHA").build();
             var clientCtx = TestContexts.builder().ca(ROOT).maxVersion("TLSv1.2").ciphers("AES128-SHA").build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            EnginePair.Failures f = pair.handshakeUntilError();
            assertCode("ERR_SSL_NO_SHARED_CIPHER", f.server());
            assertCode("ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE", f.client());
            OpenSslException e = (OpenSslException) f.server();
            assertEquals("SSL routines", e.library());
            assertEquals("no shared cipher", e.reason());
            assertEquals(EngineState.FAILED, pair.server.state());
            assertSame(f.server(), pair.server.failure());
            // Sticky: every later call reports the same failure.
            assertSame(f.server(), assertThrows(TlsException.class, pair.server::handshake));
            assertSame(f.server(), assertThrows(TlsException.class, () -> pair.server.clearOut(ByteBuffer.allocate(10))));
            assertSame(f.server(), assertThrows(TlsException.class, () -> pair.server.clearIn(ByteBuffer.allocate(10))));
            assertTrue(!pair.server.shutdown(), "no close_notify after a fatal error");
            assertTrue(!ErrorQueue.hasError(), "the queue is left empty");
        }
    }

    @Test
    void versionMismatchEitherWay() {
        try (var tls13Only = TestContexts.builder().cert(SERVER_EC).minVersion("TLSv1.3").build();
             var tls12Client = TestContexts.builder().ca(ROOT).maxVersion("TLSv1.2").build();
             var pair = new EnginePair(tls12Client, tls13Only)) {
            EnginePair.Failures f = pair.handshakeUntilError();
            assertCode("ERR_SSL_UNSUPPORTED_PROTOCOL", f.server());
            assertCode("ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", f.client());
        }
        try (var tls12Only = TestContexts.builder().cert(SERVER_EC).maxVersion("TLSv1.2").build();
             var tls13Client = TestContexts.builder().ca(ROOT).minVersion("TLSv1.3").build();
             var pair = new EnginePair(tls13Client, tls12Only)) {
            EnginePair.Failures f = pair.handshakeUntilError();
            assertCode("ERR_SSL_UNSUPPORTED_PROTOCOL", f.server());
            assertCode("ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", f.client());
        }
    }

    @Test
    void missingClientCertificateWithRejectUnauthorized() {
        // TLS 1.3: the client finishes first and learns of the refusal from the alert it reads.
        // TLS 1.2: the server refuses before the client's Finished.
        for (var c : List.of(List.of("TLSv1.3", "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED"),
                List.of("TLSv1.2", "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE"))) {
            try (var serverCtx = TestContexts.builder().cert(SERVER_EC).ca(ROOT).build();
                 var clientCtx = TestContexts.builder().ca(ROOT).maxVersion(c.get(0)).build();
                 var pair = new EnginePair(clientCtx, serverCtx)) {
                pair.server.setVerifyMode(true, true);
                EnginePair.Failures f = pair.handshakeUntilError();
                assertCode("ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE", f.server());
                assertCode(c.get(1), f.client());
            }
        }
    }

    @Test
    void alpnWithoutOverlapIsFatalAsInNode() {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
             var clientCtx = TestContexts.builder().ca(ROOT).build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.server.setAlpnProtocols(List.of("h2"));
            pair.client.setAlpnProtocols(List.of("x"));
            EnginePair.Failures f = pair.handshakeUntilError();
            assertCode("ERR_SSL_NO_APPLICATION_PROTOCOL", f.server());
            assertCode("ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL", f.client());
        }
    }

    @Test
    void garbageFromThePeerIsAWrongVersionNumber() {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
             var engine = TlsEngine.server(SecureContexts.nativeOf(serverCtx))) {
            engine.encIn(ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes()));
            TlsException e = assertThrows(TlsException.class, engine::handshake);
            // Node: an HTTP request to a TLS server gives ERR_SSL_HTTP_REQUEST.
            assertEquals("ERR_SSL_HTTP_REQUEST", e.code());
            assertEquals(EngineState.FAILED, engine.state());
        }
    }

    @Test
    void alertIsReadableAfterTheFailure() {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).minVersion("TLSv1.3").build();
             var clientCtx = TestContexts.builder().ca(ROOT).maxVersion("TLSv1.2").build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.client.handshake();
            pair.transfer(pair.client, pair.server);
            assertThrows(TlsException.class, pair.server::handshake);
            // An alert record: content type 21, TLS 1.x, length 2, fatal (2), protocol_version (70).
            ByteBuffer alert = ByteBuffer.allocate(64);
            assertEquals(7, pair.server.encOut(alert));
            alert.flip();
            assertEquals(21, alert.get(0));
            assertEquals(2, alert.get(5));
            assertEquals(70, alert.get(6));
            assertEquals(0, pair.server.encPending());
        }
    }

    static void assertCode(String expected, TlsException actual) {
        assertNotNull(actual, "expected " + expected + " but no error");
        assertEquals(expected, actual.code(), actual::toString);
    }
}
