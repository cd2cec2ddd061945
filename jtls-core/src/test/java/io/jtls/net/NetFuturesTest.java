package io.jtls.net;

import static io.jtls.net.NetTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** net's futures beside its events: listenAsync, connectAsync, closeAsync and close(Duration). */
class NetFuturesTest {

    @Test
    void connectAsyncCompletesWithTheSocketAndFailsWithEconnrefused() throws Exception {
        Server server = Net.createServer(socket -> socket.resume());
        int port = await(server.listenAsync(0, "127.0.0.1")).port();
        Socket socket = new Socket();
        assertSame(socket, await(socket.connectAsync(ConnectOptions.builder().port(port).host("127.0.0.1").build())));
        // The future's 'error' listener is gone once connected: a later error is the socket's own.
        assertEquals(0, socket.listenerCount(EventEmitter.ERROR));
        socket.end();
        await(server.close(Duration.ofSeconds(30)));

        CompletionException refused = assertThrows(CompletionException.class,
                () -> new Socket().connectAsync(ConnectOptions.builder().port(port).host("127.0.0.1").build()).join());
        // Refused, not reset: the listening descriptor is closed before 'close' (NIO would keep a
        // registered channel's descriptor until the loop's next select, and the kernel would take
        // the SYN into the backlog, then reset it).
        assertEquals("ECONNREFUSED", ((NetException) refused.getCause()).code());
    }

    @Test
    void closeAsyncCompletesAtCloseAndCloseWithADeadlineEndsIdleConnections() {
        Server server = Net.createServer(socket -> socket.resume());
        int port = await(server.listenAsync(0, "127.0.0.1")).port();
        Socket idle = new Socket(); // ends itself when the server ends (allowHalfOpen false)
        CompletableFuture<Boolean> idleClosed = new CompletableFuture<>();
        idle.on(Socket.CLOSE, idleClosed::complete);
        idle.resume();
        await(idle.connectAsync(ConnectOptions.builder().port(port).host("127.0.0.1").build()));
        CompletableFuture<Void> closed = server.closeAsync();
        CompletableFuture<Void> graceful = server.close(Duration.ofMinutes(5)); // far: no destroy
        await(graceful);
        await(closed);
        assertFalse(await(idleClosed), "closed without error, long before the deadline");
        assertTrue(!server.listening());
    }
}
