package io.jtls.net;

import static io.jtls.net.NetTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.support.Waiting;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Node's {@code listen({reusePort: true})}: a listening socket per loop of the group, all on one
 * port, the kernel spreading connections over them, each served on the loop that accepted it.
 */
class ServerReusePortTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final int CLIENTS = 200;

    private final EventLoopGroup group = new EventLoopGroup("reuse", 2);
    private final List<Server> servers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        // Every connection ended before the loops stop (a closed server has emitted 'close' already).
        for (Server server : servers) {
            if (server.listening()) Waiting.close(server, TIMEOUT);
        }
        group.shutdown();
        assertTrue(group.awaitTermination(TIMEOUT));
    }

    private Server server(boolean pauseOnConnect, java.util.function.Consumer<Socket> onConnection) {
        Server server = Net.createServer(ServerOptions.builder().group(group).pauseOnConnect(pauseOnConnect).build(),
                onConnection);
        servers.add(server);
        return server;
    }

    private static int listen(Server server, boolean reusePort) {
        return listen(server, reusePort, "127.0.0.1");
    }

    private static int listen(Server server, boolean reusePort, String host) {
        return await(server.listenAsync(ListenOptions.builder().port(0).host(host).reusePort(reusePort).build()))
                .port();
    }

    /** True when the running code was called from an acceptor's accept loop: no task hop in between. */
    private static boolean calledFromTheAccept() {
        return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(frames -> frames.anyMatch(f -> f.getDeclaringClass() == Acceptor.class
                        && f.getMethodName().equals("acceptReady")));
    }

    /** One 'connection' as the server saw it: the thread, the socket's loop, whether it came straight from accept. */
    private record Seen(String thread, String socketLoop, boolean direct) {}

    /** Serves CLIENTS connections at once (each answered "ok"), recording where each 'connection' ran. */
    private List<Seen> serveManyClients(boolean reusePort) throws Exception {
        return serveManyClients(reusePort, "127.0.0.1");
    }

    private List<Seen> serveManyClients(boolean reusePort, String host) throws Exception {
        List<Seen> seen = new CopyOnWriteArrayList<>();
        Server server = server(false, socket -> {
            seen.add(new Seen(Thread.currentThread().getName(), socket.loop().name(), calledFromTheAccept()));
            socket.end(ByteBuffer.wrap("ok".getBytes(StandardCharsets.US_ASCII)));
        });
        int port = listen(server, reusePort, host);
        List<java.net.Socket> clients = new ArrayList<>();
        try {
            // All open at once: each from its own source port, which the kernel's reuseport hash spreads.
            for (int i = 0; i < CLIENTS; i++) {
                java.net.Socket client = new java.net.Socket();
                clients.add(client);
                client.connect(new InetSocketAddress("127.0.0.1", port));
                client.setSoTimeout((int) TIMEOUT.toMillis());
            }
            for (java.net.Socket client : clients) {
                try (InputStream in = client.getInputStream()) {
                    assertEquals("ok", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
                }
            }
        } finally {
            for (java.net.Socket client : clients) client.close();
        }
        assertEquals(CLIENTS, seen.size(), "every connection served");
        return seen;
    }

    @Test
    void connectionsAreAcceptedAndServedOnEveryLoopWithoutAHandOver() throws Exception {
        List<Seen> seen = serveManyClients(true);
        for (Seen s : seen) {
            assertEquals(s.socketLoop(), s.thread(), "'connection' on the connection's own loop");
            assertTrue(s.direct(), "'connection' emitted by the accept itself, not by a task handed over");
        }
        Map<String, Long> perLoop = seen.stream().collect(Collectors.groupingBy(Seen::thread, Collectors.counting()));
        assertEquals(Set.of("reuse-0", "reuse-1"), perLoop.keySet(), "both loops accepted: " + perLoop);
    }

    @Test
    void onEveryInterfaceThePortTheFirstBindPickedIsEveryLoops() throws Exception {
        // Port 0 on the wildcard address: the other loops' sockets bind to the port the first got.
        List<Seen> seen = serveManyClients(true, null);
        assertTrue(seen.stream().allMatch(Seen::direct));
        assertEquals(Set.of("reuse-0", "reuse-1"), seen.stream().map(Seen::thread).collect(Collectors.toSet()));
    }

    @Test
    void withoutReusePortOneAcceptorHandsConnectionsOver() throws Exception {
        // The contrast that shows the check above can fail: the default keeps today's hand-over.
        List<Seen> seen = serveManyClients(false);
        assertTrue(seen.stream().noneMatch(Seen::direct), "handed over through the loops' task queues");
        assertEquals(Set.of("reuse-0", "reuse-1"), seen.stream().map(Seen::thread).collect(Collectors.toSet()));
    }

    /** The 'error' a listen emits (the future fails with the same). */
    private static NetException listenError(Server server, ListenOptions options) {
        CompletableFuture<Throwable> error = new CompletableFuture<>();
        server.on(EventEmitter.ERROR, error::complete);
        CompletableFuture<AddressInfo> result = server.listenAsync(options);
        NetException e = (NetException) await(error);
        assertTrue(result.isCompletedExceptionally());
        assertFalse(server.listening());
        return e;
    }

    @Test
    void aSecondServerWithoutReusePortOnThatPortGetsEaddrinuse() {
        Server first = server(false, Socket::destroy);
        int port = listen(first, true);
        NetException refused = listenError(server(false, null), ListenOptions.builder().port(port).host("127.0.0.1").build());
        assertEquals("EADDRINUSE", refused.code());
        assertEquals("listen EADDRINUSE: address already in use 127.0.0.1:" + port, refused.getMessage());
    }

    @Test
    void aServerWithReusePortCannotJoinAPortHeldWithoutIt() {
        // SO_REUSEPORT shares a port only among sockets that all set it: the default stays exclusive.
        Server first = server(false, Socket::destroy);
        int port = listen(first, false);
        NetException refused = listenError(server(false, null),
                ListenOptions.builder().port(port).host("127.0.0.1").reusePort(true).build());
        assertEquals("EADDRINUSE", refused.code());
    }

    @Test
    void closeWithConnectionsOpenOnBothLoopsClosesEverySocketThenEmitsCloseOnce() throws Exception {
        Map<String, Socket> firstPerLoop = new ConcurrentHashMap<>();
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        AtomicInteger listening = new AtomicInteger();
        AtomicInteger closes = new AtomicInteger();
        Server server = server(false, socket -> {
            accepted.add(socket);
            firstPerLoop.putIfAbsent(socket.loop().name(), socket);
        });
        server.on(Server.LISTENING, listening::incrementAndGet);
        server.on(Server.CLOSE, closes::incrementAndGet);
        int port = listen(server, true);
        assertEquals(1, listening.get(), "'listening' once for all the sockets");
        assertEquals(port, server.address().port());

        // Connect until each loop holds a connection (the kernel's hash decides which).
        List<java.net.Socket> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS && firstPerLoop.size() < 2; i++) {
            clients.add(new java.net.Socket("127.0.0.1", port));
            int expected = clients.size();
            Waiting.eventually("connection " + expected + " accepted", TIMEOUT, () -> accepted.size() == expected);
        }
        assertEquals(2, firstPerLoop.size(), "connections on both loops");
        int open = clients.size();
        assertEquals(open, server.connections());
        CompletableFuture<Integer> counted = new CompletableFuture<>();
        server.getConnections((err, n) -> counted.complete(n));
        assertEquals(open, await(counted));

        CompletableFuture<Throwable> closed = new CompletableFuture<>();
        server.close(closed::complete);
        // Every socket is closed, not just the first loop's: each new connection is refused.
        for (int i = 0; i < 20; i++) {
            Waiting.eventually("connection refused", TIMEOUT, () -> refused(port));
        }
        for (EventLoop loop : group.loops()) Waiting.loopTurns(loop, 2, TIMEOUT); // where 'close' would run
        assertFalse(closed.isDone(), "'close' before the connections ended");
        assertFalse(server.listening());

        for (java.net.Socket client : clients) client.close();
        assertNull(await(closed));
        for (EventLoop loop : group.loops()) Waiting.loopTurns(loop, 2, TIMEOUT);
        assertEquals(1, closes.get(), "'close' once");
        assertEquals(0, server.connections());
        assertNull(server.address());

        // Listening again works, with the same option.
        int again = listen(server, true);
        assertTrue(again > 0);
        assertEquals(2, listening.get());
    }

    private static boolean refused(int port) {
        try (java.net.Socket probe = new java.net.Socket()) {
            probe.connect(new InetSocketAddress("127.0.0.1", port));
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void onAUnixDomainPathReusePortIsIgnored() throws Exception {
        Path dir = Files.createTempDirectory("jtls-reuse");
        Path path = dir.resolve("s.sock");
        try {
            Server server = server(false, socket -> socket.end(ByteBuffer.wrap("ok".getBytes(StandardCharsets.US_ASCII))));
            AddressInfo address = await(server.listenAsync(ListenOptions.builder().path(path).reusePort(true).build()));
            assertEquals(path.toString(), address.address());
            Socket client = Net.connect(ConnectOptions.builder().path(path).build(), null);
            NetTesting.Recorder recorder = new NetTesting.Recorder(client).readAll(client);
            await(recorder.closed);
            assertEquals("ok", recorder.data());
            CompletableFuture<Throwable> closed = new CompletableFuture<>();
            server.close(closed::complete);
            assertNull(await(closed));
            assertFalse(Files.exists(path), "the socket file is removed on close");
        } finally {
            Files.deleteIfExists(path);
            Files.delete(dir);
        }
    }

    @Test
    void listenOptionsCheckThePortAsNodeDoes() {
        assertEquals("ERR_SOCKET_BAD_PORT", assertThrows(io.jtls.error.TlsRangeException.class,
                () -> ListenOptions.builder().port(65536).build()).code());
        assertThrows(IllegalArgumentException.class, () -> ListenOptions.builder().build());
        ListenOptions both = ListenOptions.builder().port(8000).path(Path.of("/tmp/x")).build();
        assertNull(both.path(), "a path is ignored when a port is given");
        assertFalse(ListenOptions.builder().port(0).build().reusePort(), "off by default");
        assertEquals(ListenOptions.DEFAULT_BACKLOG, ListenOptions.builder().port(0).build().backlog());
    }
}
