package io.jtls.interop;

import static io.jtls.interop.InteropCerts.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.TlsConnectOptions;
import io.jtls.TlsSocket;
import io.jtls.support.NativeLeakCheck;
import io.jtls.blocking.BlockingStreams;
import io.jtls.blocking.BlockingTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** jtls's blocking streams against Node v20's {@code tls} server (node/tls-server.js): flow control both ways. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BlockingStreamsNodeInteropTest {
    /** Every connection of a test, and its native objects, is gone once the test is over. */
    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    @TempDir
    static Path dir;
    static PemFiles server;

    @BeforeAll
    static void writePems() {
        server = write(dir, "server-ec", SERVER_EC);
    }

    private static TlsConnectOptions client(int port) {
        return TlsConnectOptions.builder().host("127.0.0.1").servername("localhost").port(port)
                .ca(ROOT.certificatePem()).build();
    }

    @Test
    void aSlowSmallBufferedReaderGetsEveryByteNodeSends() throws Exception {
        int bytes = 8 * 1024 * 1024;
        try (NodePeer node = NodePeer.server(Config.of("key", server.key(), "cert", server.cert(), "mode", "source", "bytes", bytes));
                BlockingStreams<TlsSocket> c = BlockingTls.connect(client(node.port()), 4096)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long read = 0;
            byte[] buffer = new byte[1000]; // smaller than a record: many reads per chunk, the flow paused and resumed
            InputStream in = c.input();
            for (int n; (n = in.read(buffer)) != -1; ) {
                sha.update(buffer, 0, n);
                read += n;
            }
            Map<String, Object> sent = node.await("sent");
            assertEquals(bytes, read);
            assertEquals(sent.get("sha256"), HexFormat.of().formatHex(sha.digest()));
        }
    }

    @Test
    void writesWaitForDrainAndNodeEchoesEverything() throws Exception {
        byte[] payload = new byte[4 * 1024 * 1024];
        new Random(3).nextBytes(payload);
        try (NodePeer node = NodePeer.server(Config.of("key", server.key(), "cert", server.cert(), "mode", "echo"));
                BlockingStreams<TlsSocket> c = BlockingTls.connect(client(node.port()))) {
            CompletableFuture<Void> written = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    c.output().write(payload);
                    c.output().close(); // Node ends after echoing what it read
                    written.complete(null);
                } catch (IOException e) {
                    written.completeExceptionally(new UncheckedIOException(e));
                }
            });
            byte[] echoed = c.input().readAllBytes();
            written.get();
            assertArrayEquals(payload, echoed);
            Map<String, Object> received = node.await("received");
            assertEquals(payload.length, ((Number) received.get("bytes")).intValue());
        }
    }
}
