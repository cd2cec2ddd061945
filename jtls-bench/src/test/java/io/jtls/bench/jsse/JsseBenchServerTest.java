package io.jtls.bench.jsse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.bench.BenchOptions;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.pki.HeldCertificate;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JSSE bench server on each provider serves what load.js expects of server-node.js: the
 * harness's TLS 1.2 config (protocol and suite from OpenSSL's name), echo, and a source that sends
 * exactly {@code --bytes} and ends; a JDK client checks, verifying the certificate from the files.
 * Every native object the jtls provider made is freed once its servers are closed and collected
 * (other tests in this JVM count them).
 */
class JsseBenchServerTest {
    @TempDir
    static Path certs;
    private static SSLContext client;
    private static long natives;

    @BeforeAll
    static void certificates() throws Exception {
        natives = NativeKind.liveTotal();
        HeldCertificate root = HeldCertificate.builder().commonName("JSSE Bench Root").certificateAuthority(0).build();
        HeldCertificate leaf = HeldCertificate.builder().commonName("localhost")
                .addSubjectAltName("localhost").addSubjectAltName("127.0.0.1").signedBy(root).build();
        Files.writeString(certs.resolve("server-ec.crt"), leaf.certificatePem());
        Files.writeString(certs.resolve("server-ec.key"), leaf.privateKeyPem());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("root", CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(root.certificateDer())));
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(trust);
        client = SSLContext.getInstance("TLS", "SunJSSE");
        client.init(null, factory.getTrustManagers(), null);
    }

    @AfterAll
    static void nativeObjectsFreed() throws InterruptedException {
        // The provider's OpenSSL contexts go with their SSLContext: unreachable once the servers closed.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (NativeKind.liveTotal() != natives && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(10);
        }
        assertEquals(natives, NativeKind.liveTotal(), "native objects freed");
    }

    private static BenchOptions options(String... args) {
        return BenchOptions.parse(List.of(args), Map.of());
    }

    private static SSLSocket connect(int port) throws Exception {
        SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("localhost", port);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "jtls"})
    void echoesOnTheHarnesssTls12Config(String provider) throws Exception {
        try (JsseBenchServer.Running server = JsseBenchServer.start(JsseBenchServer.provider(provider),
                options("--max", "TLSv1.2", "--ciphers", "ECDHE-ECDSA-AES128-GCM-SHA256"), certs);
             SSLSocket socket = connect(server.port())) {
            assertEquals("TLSv1.2", socket.getSession().getProtocol());
            assertEquals("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", socket.getSession().getCipherSuite());
            byte[] sent = new byte[100_000];
            Arrays.fill(sent, (byte) 'e');
            socket.getOutputStream().write(sent);
            socket.getOutputStream().flush();
            assertArrayEquals(sent, socket.getInputStream().readNBytes(sent.length));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "jtls"})
    void sourceSendsExactlyItsBytesThenEnds(String provider) throws Exception {
        try (JsseBenchServer.Running server = JsseBenchServer.start(JsseBenchServer.provider(provider),
                options("--mode", "source", "--bytes", "300000", "--chunk", "65536"), certs);
             SSLSocket socket = connect(server.port())) {
            assertEquals("TLSv1.3", socket.getSession().getProtocol());
            InputStream in = socket.getInputStream();
            long total = 0;
            byte[] buffer = new byte[65536];
            for (int n; (n = in.read(buffer)) >= 0; ) total += n;
            assertEquals(300_000, total);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "jtls"})
    void anOpenSslSuiteNameWithoutAnIanaNameIsRefused(String provider) throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsseBenchServer.start(
                JsseBenchServer.provider(provider), options("--ciphers", "NO-SUCH-SUITE"), certs));
        assertTrue(e.getMessage().contains("NO-SUCH-SUITE"), e.getMessage());
    }
}
