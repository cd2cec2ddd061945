package io.jtls;

import static io.jtls.TlsTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.context.SecureContextOptions;
import io.jtls.error.TlsException;
import io.jtls.pki.HeldCertificate;
import io.jtls.support.NativeLeakCheck;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * OCSP stapling between jtls peers, as Node does it: a client's {@code requestOCSP} makes the
 * server emit {@code 'OCSPRequest'} (after SNI, with the chosen context's certificate and issuer),
 * the handshake waits for its callback from any thread, and the client's {@code 'OCSPResponse'}
 * carries the bytes (null for none) before {@code 'secureConnect'}. (Real responders, openssl and
 * Node peers: {@code interop.OcspInteropTest}; the stapling helper: {@code OcspStaplerTest}.)
 */
class OcspStaplingTest {
    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    /** What a client saw: its events in order, "OCSPResponse:<text or null>" and "secureConnect", or the error; its last session. */
    private record Seen(List<String> events, TlsSocket socket, byte[] session, boolean reused) {}

    /** Connects with {@code options}, recording 'OCSPResponse' and 'secureConnect' from the start; waits for 'close'. */
    private static Seen exchange(TlsConnectOptions options) {
        List<String> events = new CopyOnWriteArrayList<>();
        List<byte[]> sessions = new CopyOnWriteArrayList<>();
        List<Boolean> reused = new CopyOnWriteArrayList<>();
        CompletableFuture<Boolean> closed = new CompletableFuture<>();
        TlsSocket socket = Tls.connect(options, s -> {
            s.on(TlsSocket.SESSION, sessions::add);
            s.on(TlsSocket.SECURE_CONNECT, () -> reused.add(s.isSessionReused()));
            s.on(TlsSocket.OCSP_RESPONSE, r -> events.add("OCSPResponse:" + (r == null ? null : new String(r, StandardCharsets.UTF_8))));
            s.on(TlsSocket.ERROR, e -> events.add("error:" + code(e)));
            s.on(TlsSocket.CLOSE, closed::complete);
            s.on(TlsSocket.DATA, b -> { });
        }, () -> events.add("secureConnect"));
        await(closed);
        return new Seen(events, socket, sessions.isEmpty() ? null : sessions.getLast(), reused.equals(List.of(true)));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void theListenersResponseIsStapledWhenItAnswersLaterFromAnotherThread(String version) {
        ExecutorService other = Executors.newSingleThreadExecutor();
        List<byte[]> asked = new CopyOnWriteArrayList<>();
        List<Boolean> onLoop = new CopyOnWriteArrayList<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).maxVersion(version).build(), s -> s.end());
        server.on(TlsServer.OCSP_REQUEST, (certificate, issuer, callback) -> {
            asked.add(certificate);
            asked.add(issuer);
            onLoop.add(Thread.currentThread().getName().startsWith("jtls-loop"));
            other.execute(() -> callback.call(null, ("staple for " + version).getBytes(StandardCharsets.UTF_8)));
        });
        int port = listen(server);
        try (Closing closing = closing(server)) {
            Seen seen = exchange(clientTo(port).requestOCSP(true).build());
            assertEquals(List.of("OCSPResponse:staple for " + version, "secureConnect"), seen.events(),
                    "the response, before 'secureConnect', as Node");
            assertEquals(2, asked.size());
            assertArrayEquals(SERVER_EC.certificateDer(), asked.get(0), "Node's context.getCertificate()");
            assertArrayEquals(INTERMEDIATE.certificateDer(), asked.get(1), "Node's context.getIssuer(): from the chain");
            assertEquals(List.of(true), onLoop);
        } finally {
            other.shutdown();
        }
    }

    /**
     * A resumed handshake has no certificate callback: the listener is not asked, as in Node. The
     * client's events follow OpenSSL's status callback, as Node's do (checked with Node v20 on
     * OpenSSL 3: TLS 1.2 emits no 'OCSPResponse' on resumption, TLS 1.3 emits it with null).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void aResumedHandshakeDoesNotAskTheListener(String version) {
        List<String> requests = new CopyOnWriteArrayList<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).maxVersion(version).build(), s -> s.end());
        server.on(TlsServer.OCSP_REQUEST, (certificate, issuer, callback) -> {
            requests.add("asked");
            callback.call(null, "staple".getBytes(StandardCharsets.UTF_8));
        });
        int port = listen(server);
        try (Closing closing = closing(server)) {
            Seen first = exchange(clientTo(port).requestOCSP(true).build());
            assertEquals(List.of("OCSPResponse:staple", "secureConnect"), first.events());
            assertNotNull(first.session(), "a session to resume");
            Seen resumed = exchange(clientTo(port).requestOCSP(true).session(first.session()).build());
            assertTrue(resumed.reused(), "resumed");
            assertEquals(version.equals("TLSv1.3") ? List.of("OCSPResponse:null", "secureConnect") : List.of("secureConnect"),
                    resumed.events());
            assertEquals(List.of("asked"), requests, "asked for the full handshake only");
        }
    }

    @Test
    void nothingStapledIsANullResponseAsNodesNull() {
        TlsServer plain = Tls.createServer(serverWith(SERVER_EC).build(), s -> s.end());
        TlsServer declining = Tls.createServer(serverWith(SERVER_EC).maxVersion("TLSv1.2").build(), s -> s.end());
        declining.on(TlsServer.OCSP_REQUEST, (certificate, issuer, callback) -> callback.call(null, null));
        int plainPort = listen(plain);
        int decliningPort = listen(declining);
        try (Closing a = closing(plain); Closing b = closing(declining)) {
            assertEquals(List.of("OCSPResponse:null", "secureConnect"),
                    exchange(clientTo(plainPort).requestOCSP(true).build()).events(), "no listener");
            assertEquals(List.of("OCSPResponse:null", "secureConnect"),
                    exchange(clientTo(decliningPort).requestOCSP(true).build()).events(), "callback(null, null)");
        }
    }

    @Test
    void aClientThatDoesNotAskGetsNoEventAndTheListenerIsNotCalled() {
        List<String> requests = new CopyOnWriteArrayList<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), s -> s.end());
        server.on(TlsServer.OCSP_REQUEST, (certificate, issuer, callback) -> {
            requests.add("asked");
            callback.call(null, new byte[] {1, 2, 3});
        });
        int port = listen(server);
        try (Closing closing = closing(server)) {
            assertEquals(List.of("secureConnect"), exchange(clientTo(port).build()).events());
            // The barrier: a client that asks, after the one that did not, on the same server.
            assertEquals(List.of("OCSPResponse:\u0001\u0002\u0003", "secureConnect"),
                    exchange(clientTo(port).requestOCSP(true).build()).events());
            assertEquals(List.of("asked"), requests, "only the client that asked made the server ask");
        }
    }

    @Test
    void theCertificateAskedAboutIsTheOneSniChose() {
        HeldCertificate other = HeldCertificate.builder().commonName("other.test").addSubjectAltName("other.test")
                .signedBy(ROOT).build();
        List<byte[]> asked = new CopyOnWriteArrayList<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), s -> s.end());
        server.addContext("other.test", SecureContextOptions.builder().cert(other.certificatePem())
                .key(other.privateKeyPem()).ca(ROOT.certificatePem()).build());
        server.on(TlsServer.OCSP_REQUEST, (certificate, issuer, callback) -> {
            asked.add(certificate);
            asked.add(issuer);
            callback.call(null, "sni".getBytes(StandardCharsets.UTF_8));
        });
        int port = listen(server);
        try (Closing closing = closing(server)) {
            Seen seen = exchange(TlsConnectOptions.builder().host("127.0.0.1").port(port).servername("other.test")
                    .ca(ROOT.certificatePem()).requestOCSP(true).build());
            assertEquals(List.of("OCSPResponse:sni", "secureConnect"), seen.events());
            assertArrayEquals(other.certificateDer(), asked.get(0));
            assertArrayEquals(ROOT.certificateDer(), asked.get(1), "the issuer, found among the trusted certificates");
        }
    }

    @Test
    void anErrorOrASecondCallFailsTheHandshakeAsATlsClientError() {
        List<Throwable> clientErrors = new CopyOnWriteArrayList<>();
        TlsServer failing = Tls.createServer(serverWith(SERVER_EC).build(), s -> s.end());
        failing.on(TlsServer.OCSP_REQUEST, (certificate, issuer, callback) ->
                callback.call(new TlsException("ERR_TEST_OCSP", "responder unavailable"), null));
        failing.on(TlsServer.TLS_CLIENT_ERROR, (error, socket) -> clientErrors.add(error));
        TlsServer twice = Tls.createServer(serverWith(SERVER_EC).build(), s -> s.end());
        twice.on(TlsServer.OCSP_REQUEST, (certificate, issuer, callback) -> {
            callback.call(null, null);
            callback.call(null, null);
        });
        twice.on(TlsServer.TLS_CLIENT_ERROR, (error, socket) -> clientErrors.add(error));
        int failingPort = listen(failing);
        int twicePort = listen(twice);
        try (Closing a = closing(failing); Closing b = closing(twice)) {
            Seen seen = exchange(clientTo(failingPort).requestOCSP(true).build());
            assertFalse(seen.events().contains("secureConnect"), seen.events().toString());
            eventually("tlsClientError", () -> clientErrors.size() == 1);
            assertEquals("ERR_TEST_OCSP", code(clientErrors.get(0)));
            assertEquals("responder unavailable", clientErrors.get(0).getMessage());

            // The first call already resumed the handshake (the client may complete it, as with
            // Node); the second one destroys the server's socket before its handshake ends.
            exchange(clientTo(twicePort).requestOCSP(true).build());
            eventually("tlsClientError", () -> clientErrors.size() == 2);
            assertEquals("ERR_MULTIPLE_CALLBACK", code(clientErrors.get(1)));
        }
    }

    @Test
    void anOcspResponseListenerThatDestroysTheSocketStopsTheHandshake() {
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), s -> s.end());
        server.on(TlsServer.OCSP_REQUEST, (certificate, issuer, callback) -> callback.call(null, new byte[] {9}));
        int port = listen(server);
        try (Closing closing = closing(server)) {
            List<String> events = new CopyOnWriteArrayList<>();
            CompletableFuture<Boolean> closed = new CompletableFuture<>();
            Tls.connect(clientTo(port).requestOCSP(true).build(), s -> {
                s.on(TlsSocket.OCSP_RESPONSE, r -> {
                    events.add("OCSPResponse:" + Arrays.toString(r));
                    s.destroy(new TlsException("ERR_TEST_BAD_STAPLE", "not acceptable"));
                });
                s.on(TlsSocket.SECURE, () -> events.add("secure"));
                s.on(TlsSocket.ERROR, e -> events.add("error:" + code(e)));
                s.on(TlsSocket.CLOSE, closed::complete);
            }, () -> events.add("secureConnect"));
            assertTrue(await(closed));
            assertEquals(List.of("OCSPResponse:[9]", "error:ERR_TEST_BAD_STAPLE"), events, "no 'secure' after it (TLS 1.3)");
        }
    }
}
