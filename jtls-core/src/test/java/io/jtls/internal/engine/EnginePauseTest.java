package io.jtls.internal.engine;

import static io.jtls.internal.engine.TestPki.ROOT;
import static io.jtls.internal.engine.TestPki.SERVER_EC;
import static io.jtls.internal.engine.TestPki.SERVER_RSA;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jtls.internal.context.SecureContexts;
import io.jtls.pki.Certificates;
import io.jtls.support.NativeLeakCheck;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The server handshake stops at a pause point, the application decides later (here on
 * another thread, as an async SNICallback or resumeSession would), and the handshake then
 * finishes; a client stops at the certificate callback when the server asks for a certificate.
 */
class EnginePauseTest {
    @RegisterExtension
    final NativeLeakCheck leaks = NativeLeakCheck.after(() -> TestPki.ROOT.hashCode()); // make the PKI before counting

    @Test
    void pausesAtClientHelloAndResumesLater() throws Exception {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
             var clientCtx = TestContexts.builder().ca(ROOT).build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.server.pauseAt(PausePoint.CLIENT_HELLO);
            pair.client.setServername("localhost");
            pair.client.setAlpnProtocols(List.of("h2", "http/1.1"));
            pair.handshake();

            assertEquals(EngineState.AWAITING_CLIENT_HELLO, pair.server.state());
            assertEquals(0, pair.server.encPending(), "nothing answered yet");
            ClientHelloInfo hello = pair.server.clientHello();
            assertEquals("localhost", hello.servername());
            assertEquals(32, hello.sessionId().length, "TLS 1.3 clients send a random legacy session id");
            assertEquals(List.of("h2", "http/1.1"), hello.alpnProtocols());
            // Still paused however often it is driven, and data calls do nothing.
            assertEquals(EngineState.AWAITING_CLIENT_HELLO, pair.server.handshake());
            assertEquals(0, pair.server.clearOut(ByteBuffer.allocate(16)));

            // The decision arrives later, from elsewhere: the engine only resumes on its own thread.
            CompletableFuture<String> decision = CompletableFuture.supplyAsync(() -> "go");
            assertEquals("go", decision.get(5, TimeUnit.SECONDS));
            pair.server.resumeHandshake();
            pair.handshake();

            assertEquals(EngineState.ESTABLISHED, pair.server.state());
            assertEquals(EngineState.ESTABLISHED, pair.client.state());
            assertNull(pair.client.verifyError());
            assertEquals("hi", new String(pair.send(pair.client, pair.server, "hi".getBytes())));
        }
    }

    @Test
    void usesTheSniContextsCertificateWhilePausedAtTheCertificateCallback() {
        try (var defaultCtx = TestContexts.builder().cert(TestPki.SELF_SIGNED).build();
             var sniCtx = TestContexts.builder().cert(SERVER_EC).build();
             var clientCtx = TestContexts.builder().ca(ROOT).maxVersion("TLSv1.2").build();
             var pair = new EnginePair(clientCtx, defaultCtx)) {
            pair.server.pauseAt(PausePoint.CERT_CALLBACK);
            pair.client.setServername("localhost");
            pair.handshake();
            assertEquals(EngineState.AWAITING_CERT_CALLBACK, pair.server.state());
            assertEquals("localhost", pair.server.certCallbackInfo().servername());

            pair.server.useSniContext(SecureContexts.nativeOf(sniCtx));
            pair.server.resumeHandshake();
            pair.handshake();
            assertNull(pair.client.verifyError(), "the client got the SNI context's certificate, chain included");
            assertEquals(Certificates.fromDer(SERVER_EC.certificateDer()).fingerprint256(), pair.client.peerCertificate(false).fingerprint256());
        }
    }

    @Test
    void pausesAtTheCertCallback() {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
             var clientCtx = TestContexts.builder().ca(ROOT).build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.server.pauseAt(PausePoint.CERT_CALLBACK);
            pair.client.setServername("localhost");
            pair.handshake();

            assertEquals(EngineState.AWAITING_CERT_CALLBACK, pair.server.state());
            assertEquals(new CertCallbackInfo("localhost", false), pair.server.certCallbackInfo());
            assertEquals(EngineState.HANDSHAKING, pair.server.resumeHandshake());
            pair.handshake();
            assertEquals(EngineState.ESTABLISHED, pair.server.state());
        }
    }

    @Test
    void bothPausePointsInOrder() {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
             var clientCtx = TestContexts.builder().ca(ROOT).build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.server.pauseAt(PausePoint.CLIENT_HELLO);
            pair.server.pauseAt(PausePoint.CERT_CALLBACK);
            pair.handshake();
            assertEquals(EngineState.AWAITING_CLIENT_HELLO, pair.server.state());
            assertEquals("", pair.server.clientHello().servername(), "no SNI: Node's empty string");
            assertEquals(EngineState.AWAITING_CERT_CALLBACK, pair.server.resumeHandshake());
            assertEquals(new CertCallbackInfo("", false), pair.server.certCallbackInfo());
            pair.server.resumeHandshake();
            pair.handshake();
            assertEquals(EngineState.ESTABLISHED, pair.client.state());
        }
    }

    @Test
    void enginesOnTheSameContextThatDidNotAskDoNotPause() {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
             var clientCtx = TestContexts.builder().ca(ROOT).build();
             var paused = new EnginePair(clientCtx, serverCtx);
             var plain = new EnginePair(clientCtx, serverCtx)) {
            paused.server.pauseAt(PausePoint.CLIENT_HELLO); // installs the callback on the shared SSL_CTX
            paused.handshake();
            plain.handshake();
            assertEquals(EngineState.AWAITING_CLIENT_HELLO, paused.server.state());
            assertEquals(EngineState.ESTABLISHED, plain.server.state());
        }
    }

    /**
     * A client pauses when the server's CertificateRequest arrived, reads the CA names it
     * listed, takes a certificate from another context (as a JSSE key manager chooses one), and
     * the server receives that certificate.
     */
    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void aClientPausesAtTheCertificateRequestAndReadsTheServersCaNames(String version) throws Exception {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).ca(ROOT).build();
             var clientCtx = TestContexts.builder().ca(ROOT).maxVersion(version).build();
             var identity = TestContexts.builder().cert(TestPki.CLIENT).build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.server.setVerifyMode(true, false);
            pair.client.pauseAt(PausePoint.CERT_CALLBACK);
            pair.handshake();
            assertEquals(EngineState.AWAITING_CERT_CALLBACK, pair.client.state());
            byte[] rootName = ((X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(ROOT.certificateDer()))).getSubjectX500Principal().getEncoded();
            List<byte[]> names = pair.client.peerCaNames();
            assertEquals(1, names.size());
            assertArrayEquals(rootName, names.get(0));

            pair.client.useSniContext(SecureContexts.nativeOf(identity));
            pair.client.resumeHandshake();
            pair.handshake();
            assertEquals(EngineState.ESTABLISHED, pair.server.state());
            assertEquals(version, pair.server.protocol());
            assertEquals(Certificates.fromDer(TestPki.CLIENT.certificateDer()).fingerprint256(),
                    pair.server.peerCertificate(false).fingerprint256(), "the server got the chosen certificate");
        }
    }

    @Test
    void misuseIsRefused() {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
             var clientCtx = TestContexts.builder().ca(ROOT).build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            assertThrows(IllegalStateException.class, pair.server::resumeHandshake, "not paused");
            assertThrows(IllegalStateException.class, () -> pair.client.pauseAt(PausePoint.CLIENT_HELLO), "client");
            assertThrows(IllegalStateException.class, () -> pair.server.useSniContext(SecureContexts.nativeOf(serverCtx)));
            pair.handshake();
            assertThrows(IllegalStateException.class, () -> pair.server.pauseAt(PausePoint.CERT_CALLBACK), "too late");
            assertThrows(IllegalStateException.class, () -> pair.client.setServername("x"), "too late");
        }
    }
}
