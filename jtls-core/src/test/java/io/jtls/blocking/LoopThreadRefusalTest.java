package io.jtls.blocking;

import static io.jtls.blocking.BlockingFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.Tls;
import io.jtls.TlsServer;
import io.jtls.TlsSocket;
import io.jtls.support.Waiting;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A blocking call made on an event-loop thread is refused at once with a clear error, and the
 * loop goes on serving: the connection whose listener tried it still echoes.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS) // a wait that is not refused or never ends fails instead of hanging
class LoopThreadRefusalTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @Test
    void blockingCallsInsideAListenerAreRefusedAndTheLoopGoesOn() throws Exception {
        List<String> refusals = new CopyOnWriteArrayList<>();
        BlockingTlsServer other = new BlockingTlsServer(server(SERVER));
        TlsServer server = Tls.createServer(server(SERVER), socket -> {
            BlockingStreams<TlsSocket> view = BlockingStreams.of(socket); // making the view never blocks: allowed
            refuse(refusals, "read", () -> view.input().read());
            refuse(refusals, "write", () -> view.output().write(1));
            refuse(refusals, "awaitClosed", view::awaitClosed);
            refuse(refusals, "connect", () -> BlockingTls.connect(client(1)));
            refuse(refusals, "accept", other::accept);
            refuse(refusals, "listen", () -> other.listen(0, "127.0.0.1"));
            view.close(); // closing never blocks either: allowed
        });
        try {
            int port = Waiting.listen(server, TIMEOUT);
            try (BlockingStreams<TlsSocket> c = BlockingTls.connect(client(port))) {
                assertEquals(-1, c.input().read(), "the listener ran to its end and closed the connection");
            }
            assertEquals(6, refusals.size(), refusals.toString());
            for (String r : refusals) {
                assertTrue(r.contains("never block a loop thread") && r.contains("virtual thread"), r);
            }
            assertTrue(refusals.get(0).startsWith("InputStream.read blocks"), refusals.get(0));
        } finally {
            Waiting.close(server, TIMEOUT);
            other.close();
            other.awaitClosed();
        }
    }

    @Test
    void aRefusedCallLeavesTheConnectionUsable() throws Exception {
        CompletableFuture<String> refused = new CompletableFuture<>();
        TlsServer server = Tls.createServer(server(SERVER), socket -> {
            try {
                BlockingStreams.of(socket).input().read();
                refused.complete("not refused");
            } catch (Exception e) {
                refused.complete(e.getClass().getSimpleName());
            }
        });
        try {
            int port = Waiting.listen(server, TIMEOUT);
            server.on(TlsServer.SECURE_CONNECTION, socket -> socket.pipe(socket));
            try (BlockingStreams<TlsSocket> c = BlockingTls.connect(client(port))) {
                assertEquals("IllegalStateException", Waiting.await(refused, TIMEOUT));
                c.output().write("still here".getBytes(StandardCharsets.UTF_8));
                assertEquals("still here", new String(c.input().readNBytes(10), StandardCharsets.UTF_8));
            }
        } finally {
            Waiting.close(server, TIMEOUT);
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    private static void refuse(List<String> refusals, String what, Call call) {
        try {
            call.run();
            refusals.add(what + ": not refused");
        } catch (IllegalStateException e) {
            refusals.add(e.getMessage());
        } catch (Exception e) {
            refusals.add(what + ": " + e);
        }
    }
}
