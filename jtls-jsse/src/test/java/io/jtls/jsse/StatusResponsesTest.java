package io.jtls.jsse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.Tls;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.net.EventEmitter;
import io.jtls.pki.HeldCertificate;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code ExtendedSSLSession.getStatusResponses()} on a client: the OCSP response a server stapled
 * (a real one, made by {@code openssl ocsp} for the server's certificate) is in the session, byte
 * for byte, with TLS 1.2 (CertificateStatus message) and TLS 1.3 (the leaf's status_request
 * extension). The server is a jtls {@code TlsServer} whose {@code 'OCSPRequest'} listener hands
 * the response over; SunJSSE as the client shows the expectation first, jtls's provider must
 * match it.
 */
class StatusResponsesTest {
    private static final HeldCertificate CA = HeldCertificate.builder().commonName("Status Test CA")
            .certificateAuthority(0).ec("prime256v1").build();
    private static final BigInteger SERIAL = BigInteger.valueOf(0x57A7L);
    private static final HeldCertificate LEAF = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltNames("localhost", "127.0.0.1").serialNumber(SERIAL).ec("prime256v1").signedBy(CA).build();

    @TempDir
    static Path dir;
    private static byte[] response;
    private static TlsServer server;
    private static int port;

    @BeforeAll
    static void stapleAResponse() throws Exception {
        response = ocspResponse();
        server = Tls.createServer(TlsServerOptions.builder().cert(LEAF.certificatePem()).key(LEAF.privateKeyPem())
                .ca(CA.certificatePem()).build(), socket -> socket.end());
        server.on(TlsServer.OCSP_REQUEST, (certificate, issuer, callback) -> callback.call(null, response));
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        server.once(EventEmitter.ERROR, listening::completeExceptionally);
        server.listen(0, "127.0.0.1", () -> listening.complete(server.address().port()));
        port = listening.get(20, TimeUnit.SECONDS);
    }

    @AfterAll
    static void closeServer() {
        if (server != null) server.close();
    }

    static Stream<Arguments> clients() {
        return Stream.of("TLSv1.2", "TLSv1.3").flatMap(version -> Stream.of(
                Arguments.of(version, TestTls.JDK, TestTls.name(TestTls.JDK)),
                Arguments.of(version, TestTls.JTLS, TestTls.name(TestTls.JTLS))));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("clients")
    void theStapledResponseIsInTheClientSession(String version, Provider provider, String name) throws Exception {
        List<Integer> seenByTrustManager = new CopyOnWriteArrayList<>();
        List<byte[]> responses = statusResponses(provider, version, seenByTrustManager);
        assertEquals(1, responses.size(), name + ": one response, the leaf's");
        assertArrayEquals(response, responses.getFirst(), name + ": the bytes the server stapled");
        assertEquals(List.of(1), seenByTrustManager, name + ": the trust manager sees it in the handshake session (revocation checks)");
    }

    @Test
    void aClientThatDoesNotAskGetsNone() throws Exception {
        String key = "jdk.tls.client.enableStatusRequestExtension";
        String before = System.getProperty(key);
        System.setProperty(key, "false");
        try {
            assertEquals(List.of(), statusResponses(TestTls.JTLS, "TLSv1.3", new CopyOnWriteArrayList<>()));
        } finally {
            if (before == null) System.clearProperty(key);
            else System.setProperty(key, before);
        }
    }

    private static List<byte[]> statusResponses(Provider provider, String version, List<Integer> seenByTrustManager)
            throws IOException {
        X509ExtendedTrustManager pkix = (X509ExtendedTrustManager) TestTls.trustManagers(CA)[0];
        SSLContext context = TestTls.context(provider, "TLS", null, new TrustManager[] {new Recording(pkix, seenByTrustManager)});
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", port)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setProtocols(new String[] {version});
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            assertEquals(version, socket.getSession().getProtocol());
            return ((ExtendedSSLSession) socket.getSession()).getStatusResponses();
        }
    }

    /** PKIX, noting how many status responses the handshake session holds when the server's chain is checked. */
    private static final class Recording extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager pkix;
        private final List<Integer> seen;

        Recording(X509ExtendedTrustManager pkix, List<Integer> seen) {
            this.pkix = pkix;
            this.seen = seen;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            seen.add(((ExtendedSSLSession) ((SSLSocket) socket).getHandshakeSession()).getStatusResponses().size());
            pkix.checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            seen.add(((ExtendedSSLSession) engine.getHandshakeSession()).getStatusResponses().size());
            pkix.checkServerTrusted(chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a client's trust manager is given its socket or engine");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            pkix.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            pkix.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            pkix.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return pkix.getAcceptedIssuers();
        }
    }

    /** A "good" response for the leaf, signed by the CA: an OCSP request, then openssl's answer to it. */
    private static byte[] ocspResponse() throws IOException, InterruptedException {
        Path ca = Files.writeString(dir.resolve("ca.pem"), CA.certificatePem());
        Path caKey = Files.writeString(dir.resolve("ca-key.pem"), CA.privateKeyPem());
        Path leaf = Files.writeString(dir.resolve("leaf.pem"), LEAF.certificatePem());
        Path index = Files.writeString(dir.resolve("index.txt"),
                "V\t491231235959Z\t\t" + SERIAL.toString(16).toUpperCase() + "\tunknown\t/CN=localhost\n", StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("index.txt.attr"), "unique_subject = no\n");
        Path request = dir.resolve("request.der");
        Path answer = dir.resolve("response.der");
        openssl("ocsp", "-issuer", ca.toString(), "-cert", leaf.toString(), "-no_nonce", "-reqout", request.toString());
        openssl("ocsp", "-index", index.toString(), "-CA", ca.toString(), "-rsigner", ca.toString(), "-rkey", caKey.toString(),
                "-reqin", request.toString(), "-respout", answer.toString(), "-ndays", "1");
        byte[] der = Files.readAllBytes(answer);
        assertTrue(der.length > 100, "openssl wrote a response");
        return der;
    }

    private static void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = Stream.concat(Stream.of("openssl"), Stream.of(args)).toList();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), command + " did not finish");
        assertEquals(0, process.exitValue(), command + ": " + output);
    }
}
