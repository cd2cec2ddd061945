package io.jtls.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.Tls;
import io.jtls.TlsConnectOptions;
import io.jtls.TlsServer;
import io.jtls.TlsSocket;
import io.jtls.net.Duplex;
import io.jtls.net.EventLoopGroup;
import io.jtls.pki.HeldCertificate;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sink mode with either read path ({@code READ=data}, {@code READ=raw}): the server takes
 * everything the client sends and ends when the client ends, so the harness's upload finishes
 * the same way in both.
 */
class BenchServerReadModeTest {
    @TempDir
    static Path certs;
    private static HeldCertificate root;
    private static EventLoopGroup group;

    @BeforeAll
    static void certificates() throws Exception {
        root = BenchTestCerts.writeServerEc(certs);
        group = new EventLoopGroup("bench-read-test", 1);
    }

    @AfterAll
    static void stopLoops() throws InterruptedException {
        group.shutdown();
        assertTrue(group.awaitTermination(Duration.ofSeconds(5)));
    }

    @AfterEach
    void dataAgain() {
        BenchServer.rawRead = false;
    }

    @ParameterizedTest(name = "READ={0}")
    @ValueSource(strings = {"data", "raw"})
    void sinkTakesTheUploadAndEnds(String read) throws Exception {
        BenchServer.rawRead = read.equals("raw");
        TlsServer server = BenchServer.create(BenchOptions.parse(List.of("--mode", "sink"), Map.of()), certs, group);
        CompletableFuture<Integer> port = new CompletableFuture<>();
        server.listen(0, "127.0.0.1", () -> port.complete(server.address().port()));
        try {
            CompletableFuture<Void> ended = new CompletableFuture<>();
            CompletableFuture<Boolean> closed = new CompletableFuture<>();
            TlsConnectOptions options = TlsConnectOptions.builder().host("127.0.0.1").port(port.get(10, TimeUnit.SECONDS))
                    .servername("localhost").ca(root.certificatePem()).build();
            Tls.connect(options, (TlsSocket s) -> {
                s.on(Duplex.END, () -> ended.complete(null));
                s.on(Duplex.CLOSE, closed::complete);
                s.resume();
                s.once(TlsSocket.SECURE_CONNECT, () -> {
                    for (int i = 0; i < 64; i++) s.write(ByteBuffer.allocate(64 * 1024));
                    s.end();
                });
            }, null);
            ended.get(20, TimeUnit.SECONDS); // the server ended after taking all 4 MiB
            assertFalse(closed.get(20, TimeUnit.SECONDS));
        } finally {
            CompletableFuture<Void> closed = new CompletableFuture<>();
            server.close(e -> closed.complete(null));
            closed.get(10, TimeUnit.SECONDS);
        }
    }
}
