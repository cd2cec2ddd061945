package io.jtls.net;

import static io.jtls.net.NetTesting.await;
import static io.jtls.net.NetTesting.listen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.support.Waiting;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** net.Server: listening, closing, connection counting. */
class ServerTest {

    private static int connections(Server server) {
        CompletableFuture<Integer> count = new CompletableFuture<>();
        server.getConnections((err, n) -> count.complete(n));
        return await(count);
    }

    @Test
    void closeStopsAcceptingAndWaitsForTheLastConnection() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> secondAccepted = new CompletableFuture<>();
        Server server = Net.createServer(socket -> {
            accepted.add(socket);
            socket.resume();
            if (accepted.size() == 2) secondAccepted.complete(null);
        });
        int port = listen(server);
        assertTrue(server.listening());
        CompletableFuture<Void> both = new CompletableFuture<>();
        Socket first = Net.connect(port, "127.0.0.1");
        Socket second = Net.connect(port, "127.0.0.1");
        await(secondAccepted);
        assertEquals(2, connections(server));

        CompletableFuture<Throwable> closed = new CompletableFuture<>();
        List<String> order = new CopyOnWriteArrayList<>();
        server.on(Server.CLOSE, () -> order.add("close"));
        server.close(closed::complete);
        Waiting.loopTurns(server.loop(), 2, Duration.ofSeconds(10)); // where 'close' would be emitted
        assertFalse(closed.isDone(), "'close' before the connections ended");
        assertFalse(server.listening());

        Socket refused = new Socket(); // no longer accepting
        CompletableFuture<Throwable> refusal = new CompletableFuture<>();
        refused.on(EventEmitter.ERROR, refusal::complete);
        refused.connect(port, "127.0.0.1", null);
        assertEquals("ECONNREFUSED", NetTesting.code(await(refusal)));

        first.end();
        // The barrier: the server has counted the first connection out, the moment a server that
        // did not wait for the last one would close.
        Waiting.eventually("the first connection counted out", Duration.ofSeconds(10), () -> connections(server) == 1);
        Waiting.loopTurns(server.loop(), 2, Duration.ofSeconds(10));
        assertFalse(closed.isDone());
        assertEquals(1, connections(server));
        second.destroy();
        assertNull(await(closed));
        assertEquals(List.of("close"), order);
        assertEquals(0, server.connections());
        assertNull(server.address());
        both.complete(null);
    }

    @Test
    void closingAServerThatIsNotListeningReportsErrServerNotRunning() {
        Server server = Net.createServer(null);
        CompletableFuture<Throwable> result = new CompletableFuture<>();
        server.close(result::complete);
        assertEquals("ERR_SERVER_NOT_RUNNING", NetTesting.code(await(result)));
    }

    @Test
    void connectionIsEmittedOnTheSocketsLoopBeforeItReads() {
        CompletableFuture<String> where = new CompletableFuture<>();
        CompletableFuture<String> firstBytes = new CompletableFuture<>();
        Server server = Net.createServer(socket -> {
            where.complete(socket.loop().inEventLoop() ? "own loop" : Thread.currentThread().getName());
            socket.once(Duplex.DATA, buf -> firstBytes.complete(NetTesting.utf8(buf)));
        });
        int port = listen(server);
        // The client writes before the server even accepts: nothing may be lost.
        Socket client = new Socket();
        client.write("early bird");
        client.connect(port, "127.0.0.1", null);
        assertEquals("own loop", await(where));
        assertEquals("early bird", await(firstBytes));
        client.destroy();
        server.close();
    }

    @Test
    void listenEventsRunOnTheServersLoop() {
        Server server = Net.createServer(null);
        CompletableFuture<Boolean> onLoop = new CompletableFuture<>();
        server.listen(0, "127.0.0.1", () -> onLoop.complete(server.loop().inEventLoop()));
        assertTrue(await(onLoop));
        CompletableFuture<Void> closed = new CompletableFuture<>();
        server.close(err -> closed.complete(null));
        await(closed);
    }

    @Test
    void ownGroupSpreadsConnectionsOverItsLoops() throws Exception {
        EventLoopGroup group = new EventLoopGroup("test-group", 2);
        try {
            List<String> threads = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> four = new CompletableFuture<>();
            Server server = Net.createServer(ServerOptions.builder().group(group).build(), socket -> {
                threads.add(Thread.currentThread().getName());
                if (threads.size() == 4) four.complete(null);
                socket.resume();
            });
            int port = listen(server);
            List<Socket> clients = List.of(Net.connect(port, "127.0.0.1"), Net.connect(port, "127.0.0.1"),
                    Net.connect(port, "127.0.0.1"), Net.connect(port, "127.0.0.1"));
            await(four);
            assertEquals(2, threads.stream().distinct().count(), threads.toString());
            assertTrue(threads.stream().allMatch(t -> t.startsWith("test-group-")));
            clients.forEach(Socket::destroy);
            CompletableFuture<Void> closed = new CompletableFuture<>();
            server.close(err -> closed.complete(null));
            await(closed);
        } finally {
            group.shutdown();
            assertTrue(group.awaitTermination(java.time.Duration.ofSeconds(5)));
        }
    }
}
