package io.jtls.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.Tls;
import io.jtls.TlsConnectOptions;
import io.jtls.TlsServer;
import io.jtls.TlsSocket;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import io.jtls.net.EventLoopGroup;
import io.jtls.pki.HeldCertificate;
import io.jtls.x509.Certificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AOT training run serves every mode the anchors measure, each as the bench server does:
 * a cache trained on a listener that behaved otherwise would carry the wrong profiles.
 */
class TrainingServerTest {
    private static final int SOURCE_BYTES = 300_000;

    @TempDir
    static Path certs;
    private static HeldCertificate root;
    private static EventLoopGroup group;
    private static List<TlsServer> servers;

    @BeforeAll
    static void start() throws Exception {
        root = HeldCertificate.builder().commonName("Training Test Root").certificateAuthority(0).build();
        for (String kind : List.of("ec", "rsa")) {
            HeldCertificate.Builder leaf = HeldCertificate.builder().commonName("localhost")
                    .addSubjectAltName("localhost").signedBy(root);
            HeldCertificate held = (kind.equals("rsa") ? leaf.rsa(2048) : leaf.ec("prime256v1")).build();
            Files.writeString(certs.resolve("server-" + kind + ".crt"), held.certificatePem());
            Files.writeString(certs.resolve("server-" + kind + ".key"), held.privateKeyPem());
        }
        group = new EventLoopGroup("training-test", 1);
        servers = TrainingServer.start(new String[] {"--host", "127.0.0.1", "--bytes", String.valueOf(SOURCE_BYTES)},
                certs, group);
    }

    @AfterAll
    static void stop() throws Exception {
        for (TlsServer server : servers) {
            CompletableFuture<Void> closed = new CompletableFuture<>();
            server.close(e -> closed.complete(null));
            closed.get(10, TimeUnit.SECONDS);
        }
        group.shutdown();
        assertTrue(group.awaitTermination(Duration.ofSeconds(5)));
    }

    @Test
    void echoListenersServeTheEcAndTheRsaCertificate() throws Exception {
        Result ec = exchange(servers.get(0), 5_000);
        assertEquals(5_000, ec.received, "echoed");
        assertNotNull(ec.certificate.asn1Curve(), "EC certificate");
        Result rsa = exchange(servers.get(1), 5_000);
        assertEquals(5_000, rsa.received, "echoed");
        assertEquals(2048, rsa.certificate.bits(), "RSA certificate");
    }

    @Test
    void sourceSendsItsBytesAndSinkTakesWhatItIsSent() throws Exception {
        assertEquals(SOURCE_BYTES, exchange(servers.get(2), 0).received);
        Result sink = exchange(servers.get(3), 200_000);
        assertEquals(0, sink.received, "the sink sends nothing back");
        assertNull(sink.error);
    }

    private record Result(long received, Certificate certificate, String error) {}

    /** Connects, sends {@code send} bytes then ends (if any), counts what arrives until the server ends. */
    private static Result exchange(TlsServer server, int send) throws Exception {
        AtomicLong received = new AtomicLong();
        CompletableFuture<Result> done = new CompletableFuture<>();
        Certificate[] peer = {null};
        String[] error = {null};
        TlsConnectOptions options = TlsConnectOptions.builder().host("127.0.0.1").port(server.address().port())
                .servername("localhost").ca(root.certificatePem()).build();
        Tls.connect(options, (TlsSocket s) -> {
            s.on(TlsSocket.SECURE_CONNECT, () -> {
                peer[0] = s.getPeerCertificate();
                if (send > 0) { // the source ends by itself; ending first would stop it (server-node.js)
                    s.write(new byte[send]);
                    s.end();
                }
            });
            s.on(Duplex.DATA, data -> received.addAndGet(data.remaining()));
            s.on(EventEmitter.ERROR, e -> error[0] = e.toString());
            s.on(Duplex.CLOSE, hadError -> done.complete(new Result(received.get(), peer[0], error[0])));
        }, null);
        return done.get(20, TimeUnit.SECONDS);
    }
}
