package io.jtls.interop;

import static io.jtls.interop.InteropCerts.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.Tls;
import io.jtls.TlsConnectOptions;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.TlsSocket;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import io.jtls.net.OnRead;
import io.jtls.support.NativeLeakCheck;
import io.jtls.support.Waiting;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code onread} beside Node's, in the same run: a Node v20 client and a jtls client, each with
 * one reused 4 KiB buffer and a callback answering false to its 5th call, read the same bytes
 * from one jtls server. Chunk boundaries may differ; what must match is what a program relies
 * on: every byte and in order, never more than the buffer per call, nothing to {@code 'data'},
 * reading stops between the false and {@code resume()} (jtls at once; Node's TLS socket after
 * the records of the read in progress), {@code isPaused()} still false there, then
 * {@code 'end'} and {@code 'close'} without error.
 */
class OnReadNodeParityTest {
    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int BUFFER = 4096;
    private static final int STOP_AT = 5;

    /** What the jtls client saw, in the Node script's terms. */
    private static final class JtlsClient {
        final MessageDigest digest;
        long total;
        int calls;
        int maxChunk;
        int dataEvents;
        final List<String> events = new CopyOnWriteArrayList<>();
        final CompletableFuture<Long> stopped = new CompletableFuture<>();
        final CompletableFuture<Long> ended = new CompletableFuture<>();
        final CompletableFuture<Boolean> closed = new CompletableFuture<>();
        TlsSocket socket;

        JtlsClient() throws Exception {
            digest = MessageDigest.getInstance("SHA-256");
        }

        void start(int port) {
            OnRead onread = OnRead.of(ByteBuffer.allocate(BUFFER), (n, buf) -> {
                total += n;
                calls++;
                maxChunk = Math.max(maxChunk, n);
                digest.update(buf);
                if (calls == STOP_AT) {
                    stopped.complete(total);
                    return false;
                }
                return true;
            });
            socket = Tls.connect(TlsConnectOptions.builder().host("127.0.0.1").port(port).servername("localhost")
                    .ca(ROOT.certificatePem()).onread(onread).build(), s -> {
                s.on(Duplex.DATA, b -> dataEvents++);
                s.on(Duplex.END, () -> ended.complete(total));
                s.on(EventEmitter.ERROR, e -> events.add("error"));
                s.on(Duplex.CLOSE, closed::complete);
            }, null);
        }
    }

    @Test
    void sameTotalsStopAndEndAsNode() throws Exception {
        byte[] data = new byte[(2 << 20) + 777];
        new Random(12).nextBytes(data);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        TlsServer server = Tls.createServer(TlsServerOptions.builder().cert(SERVER_EC.chainPem())
                .key(SERVER_EC.privateKeyPem()).build(), socket -> {
            for (int off = 0; off < data.length; off += 16384) {
                socket.write(ByteBuffer.wrap(data, off, Math.min(16384, data.length - off)));
            }
            socket.end();
        });
        int port = Waiting.listen(server, TIMEOUT);
        try (NodePeer node = NodePeer.client("onread-client.js", Map.of("port", port, "ca", ROOT.certificatePem(),
                "bufferSize", BUFFER, "stopAt", STOP_AT))) {
            JtlsClient jtls = new JtlsClient();
            jtls.start(port);

            Map<String, Object> nodeStopped = node.await("stopped");
            long jtlsStopped = Waiting.await(jtls.stopped, TIMEOUT);
            // Both stopped at their 5th chunk, with at most 5 buffers' worth.
            assertEquals(STOP_AT, ((Number) nodeStopped.get("calls")).intValue());
            assertTrue(((Number) nodeStopped.get("total")).longValue() <= (long) STOP_AT * BUFFER);
            assertTrue(jtlsStopped <= (long) STOP_AT * BUFFER);

            // Nothing arrives while stopped: jtls after its loop polled a few times, Node by the
            // time the test tells it to resume (it reports what it had then).
            Waiting.loopTurns(jtls.socket.loop(), 4, TIMEOUT);
            CompletableFuture<Long> atResume = new CompletableFuture<>();
            jtls.socket.loop().execute(() -> atResume.complete(jtls.total));
            long jtlsAtResume = Waiting.await(atResume, TIMEOUT);
            boolean jtlsPaused = jtls.socket.isPaused();
            jtls.socket.resume();
            node.command("resume");
            Map<String, Object> nodeResuming = node.await("resuming");
            // Node's TLS socket stops reading the socket, but still hands over the plaintext of
            // the read in progress (records already decrypted in its batch: 48 KiB here, not the
            // 2 MiB); its net.Socket stops at once, and so does jtls, TCP and TLS alike.
            long nodeAtStop = ((Number) nodeStopped.get("total")).longValue();
            long nodeAtResume = ((Number) nodeResuming.get("total")).longValue();
            assertTrue(nodeAtResume - nodeAtStop <= 64 * 1024, "Node stopped reading: " + nodeResuming);
            assertEquals(jtlsStopped, jtlsAtResume, "jtls delivered nothing while stopped");
            assertEquals(nodeResuming.get("isPaused"), jtlsPaused, "isPaused() after a false, as Node");

            Map<String, Object> nodeEnd = node.await("end");
            long jtlsEnd = Waiting.await(jtls.ended, TIMEOUT);
            assertEquals((long) data.length, ((Number) nodeEnd.get("total")).longValue());
            assertEquals(data.length, jtlsEnd);
            assertEquals(sha, nodeEnd.get("sha256"));
            assertEquals(sha, HexFormat.of().formatHex(jtls.digest.digest()));
            assertEquals(0, ((Number) nodeEnd.get("dataEvents")).intValue());
            assertEquals(0, jtls.dataEvents);
            assertTrue(((Number) nodeEnd.get("maxChunk")).intValue() <= BUFFER);
            assertTrue(jtls.maxChunk <= BUFFER);

            assertEquals(Boolean.FALSE, node.await("close").get("hadError"));
            assertFalse(Waiting.await(jtls.closed, TIMEOUT));
            assertTrue(node.events("error").isEmpty(), node.output());
            assertEquals(List.of(), jtls.events);
        } finally {
            Waiting.close(server, TIMEOUT);
        }
    }
}
