package io.jtls.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.Tls;
import io.jtls.TlsConnectOptions;
import io.jtls.TlsServer;
import io.jtls.TlsSocket;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import io.jtls.net.EventLoopGroup;
import io.jtls.pki.HeldCertificate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bench server resumes as server-node.js does under the harness's {@code load.js --resume}:
 * tickets by default, and with {@code --tickets off --idcache on} session ids (TLS 1.2) and
 * stateful tickets (TLS 1.3) through its {@code newSession}/{@code resumeSession} cache;
 * {@code --tickets off} alone gives full handshakes. The server is built by
 * {@link BenchServer#create} exactly as {@code main} builds it.
 */
class BenchServerResumptionTest {
    @TempDir
    static Path certs;
    private static HeldCertificate root;
    private static EventLoopGroup group;

    @BeforeAll
    static void certificates() throws Exception {
        root = BenchTestCerts.writeServerEc(certs);
        group = new EventLoopGroup("bench-test", 1);
    }

    @AfterAll
    static void stopLoops() throws InterruptedException {
        group.shutdown();
        assertTrue(group.awaitTermination(Duration.ofSeconds(5)));
    }

    @ParameterizedTest(name = "{0} --tickets {1} --idcache {2}: reused {3}")
    @CsvSource({
            "TLSv1.2, off, on,  true",
            "TLSv1.3, off, on,  true",
            "TLSv1.2, on,  off, true",
            "TLSv1.3, on,  off, true",
            "TLSv1.2, on,  on,  true",
            "TLSv1.2, off, off, false",
            "TLSv1.3, off, off, false",
    })
    void resumesAsServerNodeJs(String version, String tickets, String idCache, boolean resumes) throws Exception {
        long natives = NativeKind.liveTotal();
        BenchOptions options = BenchOptions.parse(List.of("--max", version, "--tickets", tickets,
                "--idcache", idCache, "--mode", "echo"), Map.of());
        TlsServer server = BenchServer.create(options, certs, group);
        CompletableFuture<Integer> port = new CompletableFuture<>();
        server.listen(0, "127.0.0.1", () -> port.complete(server.address().port()));
        try {
            Exchange first = exchange(port.get(10, TimeUnit.SECONDS), null);
            assertFalse(first.reused, "the first connection makes a full handshake");
            assertFalse(first.sessions.isEmpty(), "the client got a session");
            for (int i = 0; i < 3; i++) { // load.js offers the same session again and again
                Exchange again = exchange(port.get(), first.sessions.getLast());
                assertNull(again.error);
                assertEquals(resumes, again.reused, "connection " + i);
            }
        } finally {
            CompletableFuture<Void> closed = new CompletableFuture<>();
            server.close(e -> closed.complete(null));
            closed.get(10, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (NativeKind.liveTotal() != natives && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(natives, NativeKind.liveTotal(), "native objects freed");
    }

    private record Exchange(boolean reused, List<byte[]> sessions, String error) {}

    /** Connects (offering {@code session}), sends one byte, reads it back, ends, waits for close. */
    private static Exchange exchange(int port, byte[] session) throws Exception {
        List<byte[]> sessions = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        boolean[] reused = {false};
        String[] error = {null};
        TlsConnectOptions options = TlsConnectOptions.builder().host("127.0.0.1").port(port)
                .servername("localhost").ca(root.certificatePem()).session(session).build();
        Tls.connect(options, (TlsSocket s) -> {
            s.on(TlsSocket.SECURE_CONNECT, () -> {
                reused[0] = s.isSessionReused();
                s.write("x");
            });
            s.on(TlsSocket.SESSION, sessions::add);
            s.on(Duplex.DATA, echoed -> s.end()); // tickets came before the echo
            s.on(EventEmitter.ERROR, e -> error[0] = e.toString());
            s.on(Duplex.CLOSE, hadError -> closed.complete(null));
        }, null);
        closed.get(10, TimeUnit.SECONDS);
        return new Exchange(reused[0], new ArrayList<>(sessions), error[0]);
    }
}
