package io.jtls.net;

import static io.jtls.net.NetTesting.await;
import static io.jtls.net.NetTesting.listen;
import static io.jtls.net.NetTesting.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.support.ManualClock;
import io.jtls.support.Waiting;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** net.Socket over real TCP connections on 127.0.0.1. */
class SocketTest {
    private final List<Server> servers = new ArrayList<>();

    private Server server(ServerOptions options, java.util.function.Consumer<Socket> onConnection) {
        Server server = Net.createServer(options, onConnection);
        servers.add(server);
        return server;
    }

    private Server echoServer() {
        return server(ServerOptions.DEFAULTS, socket -> socket.pipe(socket));
    }

    @AfterEach
    void closeServers() {
        servers.forEach(Server::close);
    }

    @Test
    void echoesAndCountsBytesInNodesEventOrder() {
        CompletableFuture<Socket> accepted = new CompletableFuture<>();
        Server server = server(ServerOptions.DEFAULTS, socket -> {
            accepted.complete(socket);
            socket.pipe(socket);
        });
        int port = listen(server);
        Socket client = new Socket();
        NetTesting.Recorder events = new NetTesting.Recorder(client).readAll(client);
        client.connect(port, "127.0.0.1", () -> client.end("hello, world"));

        assertFalse(await(events.closed));
        assertEquals("hello, world", events.data());
        assertEquals(List.of("connect", "ready", "finish", "end", "close:false"), events.events);
        assertEquals(12, client.bytesWritten());
        assertEquals(12, client.bytesRead());
        Socket serverSide = await(accepted);
        assertEquals(12, serverSide.bytesRead());
        assertEquals(12, serverSide.bytesWritten());
        assertTrue(events.threads.stream().allMatch(client.loop().name()::equals), events.threads::toString);
    }

    @Test
    void everyDataListenerSeesTheWholeChunk() {
        Server server = server(ServerOptions.DEFAULTS, socket -> socket.end("shared bytes"));
        int port = listen(server);
        Socket client = new Socket();
        StringBuilder first = new StringBuilder();
        StringBuilder second = new StringBuilder();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        client.loop().execute(() -> {
            // The first listener consumes its buffer; the second must still see every byte.
            client.on(Duplex.DATA, buf -> first.append(StandardCharsets.UTF_8.decode(buf))); // consumes buf
            client.on(Duplex.DATA, buf -> second.append(StandardCharsets.UTF_8.decode(buf)));
            client.on(Duplex.END, () -> ended.complete(null));
            client.connect(port, "127.0.0.1", () -> { });
        });
        await(ended);
        assertEquals("shared bytes", first.toString());
        assertEquals("shared bytes", second.toString());
        client.destroy();
    }

    @Test
    void pipeCalledFromAnotherThreadLosesNothing() {
        Server server = server(ServerOptions.DEFAULTS, socket -> socket.end("x".repeat(1000)));
        int port = listen(server);
        for (int i = 0; i < 50; i++) {
            Socket client = new Socket();
            CompletableFuture<Void> connected = new CompletableFuture<>();
            client.connect(port, "127.0.0.1", () -> connected.complete(null));
            await(connected);
            DuplexPair pair = new DuplexPair(client.loop());
            StringBuilder got = new StringBuilder();
            CompletableFuture<Void> ended = new CompletableFuture<>();
            pair.second().loop().execute(() -> {
                pair.second().on(Duplex.DATA, buf -> got.append(StandardCharsets.UTF_8.decode(buf)));
                pair.second().on(Duplex.END, () -> ended.complete(null));
            });
            client.pipe(pair.first()); // from the test thread, while the server's bytes are already there
            await(ended);
            assertEquals(1000, got.length(), "round " + i);
            client.destroy();
        }
    }

    @Test
    void portZeroGetsAPortAndAddressesAreReported() {
        CompletableFuture<Socket> accepted = new CompletableFuture<>();
        Server server = server(ServerOptions.DEFAULTS, accepted::complete);
        int port = listen(server);
        assertNotEquals(0, port);
        assertEquals(new AddressInfo("127.0.0.1", "IPv4", port), server.address());

        CompletableFuture<Void> connected = new CompletableFuture<>();
        Socket client = Net.connect(port, "127.0.0.1", () -> connected.complete(null));
        await(connected);
        Socket peer = await(accepted);
        assertEquals("127.0.0.1", client.remoteAddress());
        assertEquals(port, client.remotePort());
        assertEquals("IPv4", client.remoteFamily());
        assertEquals("127.0.0.1", client.localAddress());
        assertEquals(client.localPort(), peer.remotePort());
        assertEquals(port, peer.localPort());
        assertEquals(new AddressInfo("127.0.0.1", "IPv4", client.localPort()), client.address());
        client.destroy();
        peer.destroy();
    }

    @Test
    void writeReturnsFalseAtTheHighWaterMarkAndDrainFollows() {
        Server server = echoServer();
        int port = listen(server);
        CompletableFuture<Void> connected = new CompletableFuture<>();
        Socket client = Net.connect(port, "127.0.0.1", () -> connected.complete(null));
        client.resume();
        await(connected);
        CompletableFuture<Boolean> small = new CompletableFuture<>();
        CompletableFuture<Boolean> atMark = new CompletableFuture<>();
        CompletableFuture<Void> drained = new CompletableFuture<>();
        client.loop().execute(() -> {
            small.complete(client.write(new byte[Duplex.DEFAULT_HIGH_WATER_MARK - 1]));
            client.once(Duplex.DRAIN, () -> drained.complete(null));
            atMark.complete(client.write(new byte[Duplex.DEFAULT_HIGH_WATER_MARK]));
        });
        assertTrue(await(small));
        // Node counts the chunk before handing it to the kernel: 16 KiB in one write answers false
        // even though the kernel takes it at once, and 'drain' follows.
        assertFalse(await(atMark), "16 KiB queued: Node's write() answers false");
        await(drained);
        client.destroy();
    }

    @Test
    void slowReaderMakesWriterWaitForDrain() throws Exception {
        CompletableFuture<Socket> accepted = new CompletableFuture<>();
        AtomicLong received = new AtomicLong();
        Server server = server(ServerOptions.builder().pauseOnConnect(true).build(), socket -> {
            socket.on(Duplex.DATA, buf -> received.addAndGet(buf.remaining()));
            accepted.complete(socket);
        });
        int port = listen(server);
        CompletableFuture<Void> connected = new CompletableFuture<>();
        Socket client = Net.connect(port, "127.0.0.1", () -> connected.complete(null));
        await(connected);
        Socket reader = await(accepted);
        assertTrue(reader.isPaused());

        AtomicInteger drains = new AtomicInteger();
        client.on(Duplex.DRAIN, drains::incrementAndGet);
        CompletableFuture<Long> written = new CompletableFuture<>();
        client.loop().execute(() -> {
            long total = 0;
            while (total < 256L << 20) { // the kernel's loopback buffers take a few MB at most
                total += 8 * 1024;
                if (!client.write(new byte[8 * 1024])) break;
            }
            written.complete(total);
        });
        long total = await(written);
        assertTrue(total < 256L << 20, "write never returned false");
        assertTrue(client.writableNeedDrain());
        // A barrier instead of a sleep: a turn of the loop polls its channels before it runs the
        // tasks queued since the last turn, so a writable socket would have been flushed (and
        // 'drain' emitted) by the time this task runs.
        CompletableFuture<Long> queued = new CompletableFuture<>();
        client.loop().execute(() -> queued.complete(client.writableLength()));
        assertTrue(await(queued) > 0, "the kernel took everything although the reader is paused");
        assertEquals(0, drains.get(), "'drain' while the reader is paused");

        CompletableFuture<Void> drained = new CompletableFuture<>();
        client.once(Duplex.DRAIN, () -> drained.complete(null));
        reader.resume();
        await(drained);
        assertEquals(1, drains.get());
        assertEquals(0, client.writableLength());
        Waiting.eventually("every byte received", Duration.ofSeconds(10), () -> received.get() == total);
        assertEquals(total, client.bytesWritten());
        client.destroy();
    }

    @Test
    void allowHalfOpenKeepsTheWriteSideOpenAfterEnd() {
        CompletableFuture<List<String>> serverEvents = new CompletableFuture<>();
        Server server = server(ServerOptions.builder().allowHalfOpen(true).build(), socket -> {
            NetTesting.Recorder recorder = new NetTesting.Recorder(socket).readAll(socket);
            socket.on(Duplex.END, () -> {
                recorder.note("writableEnded:" + socket.writableEnded());
                socket.end("late reply to " + recorder.data());
            });
            recorder.closed.thenRun(() -> serverEvents.complete(recorder.events));
        });
        int port = listen(server);
        Socket client = new Socket();
        NetTesting.Recorder events = new NetTesting.Recorder(client).readAll(client);
        client.connect(port, "127.0.0.1", () -> client.end("ping"));
        await(events.closed);
        assertEquals("late reply to ping", events.data());
        assertEquals(List.of("end", "writableEnded:false", "finish", "close:false"), await(serverEvents));
    }

    @Test
    void withoutHalfOpenTheEndOfInputEndsOutput() {
        CompletableFuture<List<String>> serverEvents = new CompletableFuture<>();
        Server server = server(ServerOptions.DEFAULTS, socket -> {
            NetTesting.Recorder recorder = new NetTesting.Recorder(socket).readAll(socket);
            socket.on(Duplex.END, () -> recorder.note("writableEnded:" + socket.writableEnded()));
            recorder.closed.thenRun(() -> serverEvents.complete(recorder.events));
        });
        int port = listen(server);
        Socket client = new Socket(EventLoopGroup.defaultGroup().next(), true);
        NetTesting.Recorder events = new NetTesting.Recorder(client).readAll(client);
        client.connect(port, "127.0.0.1", () -> client.end("ping"));
        // The server's side ended itself, so the half-open client sees 'end' and then closes.
        await(events.closed);
        assertEquals(List.of("end", "writableEnded:true", "finish", "close:false"), await(serverEvents));
        assertEquals(List.of("connect", "ready", "finish", "end", "close:false"), events.events);
    }

    @Test
    void destroyWithErrorEmitsErrorThenCloseAfterReturning() {
        Server server = echoServer();
        int port = listen(server);
        Socket client = new Socket();
        NetTesting.Recorder events = new NetTesting.Recorder(client);
        AtomicBoolean returned = new AtomicBoolean();
        List<Boolean> returnedBeforeError = new CopyOnWriteArrayList<>();
        client.on(EventEmitter.ERROR, e -> returnedBeforeError.add(returned.get()));
        client.connect(port, "127.0.0.1", () -> {
            client.destroy(new IllegalStateException("boom"));
            returned.set(true);
            client.destroy(new IllegalStateException("twice")); // ignored, like Node
        });
        assertTrue(await(events.closed));
        assertEquals(List.of("connect", "ready", "error:IllegalStateException", "close:true"), events.events);
        assertEquals(List.of(true), returnedBeforeError);
        assertTrue(client.destroyed());
        assertFalse(client.write("after"), "write after destroy");
    }

    @Test
    void refusedConnectionHasNodesCodeAndFields() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        CompletableFuture<Throwable> error = new CompletableFuture<>();
        Socket client = new Socket(); // listeners first: the loop may fail the connect at once
        client.on(EventEmitter.ERROR, error::complete);
        NetTesting.Recorder events = new NetTesting.Recorder(client);
        client.connect(port, "127.0.0.1", null);
        NetException e = (NetException) await(error);
        assertEquals("ECONNREFUSED", e.code());
        assertEquals(-111, e.errno());
        assertEquals("connect", e.syscall());
        assertEquals("127.0.0.1", e.address());
        assertEquals(port, e.port());
        assertEquals("connect ECONNREFUSED 127.0.0.1:" + port, e.getMessage());
        assertTrue(e instanceof io.jtls.error.TlsException);
        assertTrue(await(events.closed));
    }

    @Test
    void addressInUseIsReportedOnTheServer() {
        int port = listen(echoServer());
        Server second = server(ServerOptions.DEFAULTS, null);
        CompletableFuture<Throwable> error = new CompletableFuture<>();
        second.on(EventEmitter.ERROR, error::complete);
        second.listen(port, "127.0.0.1", null);
        NetException e = (NetException) await(error);
        assertEquals("EADDRINUSE", e.code());
        assertEquals(-98, e.errno());
        assertEquals("listen", e.syscall());
        assertEquals("listen EADDRINUSE: address already in use 127.0.0.1:" + port, e.getMessage());
        assertEquals(port, e.port());
        assertFalse(second.listening());
    }

    @Test
    void idleSocketEmitsTimeoutOnceAfterTheIdleTimeAndStaysOpen() {
        int port = listen(echoServer());
        try (ManualClock clock = new ManualClock()) {
            CompletableFuture<Void> connected = new CompletableFuture<>();
            Socket client = Net.connect(ConnectOptions.builder().port(port).host("127.0.0.1").loop(clock.loop("idle")).build(),
                    () -> connected.complete(null));
            await(connected);
            AtomicInteger timeouts = new AtomicInteger();
            client.setTimeout(150, timeouts::incrementAndGet); // a one-time listener, as in Node
            client.on(Socket.TIMEOUT, timeouts::incrementAndGet);
            clock.advance(Duration.ofMillis(100));
            assertEquals(0, timeouts.get(), "idle for 100 of 150 ms");

            echoRoundTrip(client); // activity pushes the deadline back to 150 ms from now
            clock.advance(Duration.ofMillis(149));
            assertEquals(0, timeouts.get(), "idle for 149 ms since the last read and write");
            clock.advance(Duration.ofMillis(1));
            assertEquals(2, timeouts.get(), "both listeners, once");
            assertFalse(client.destroyed());
            assertEquals(150, client.timeout());

            clock.advance(Duration.ofSeconds(10));
            assertEquals(2, timeouts.get(), "fires once per idle period: nothing re-arms it without activity");
            echoRoundTrip(client);
            clock.advance(Duration.ofMillis(150));
            assertEquals(3, timeouts.get(), "re-armed by activity; the one-time listener is gone");

            NetTesting.Recorder events = new NetTesting.Recorder(client);
            client.setTimeout(0, null);
            echoRoundTrip(client);
            clock.advance(Duration.ofSeconds(10));
            assertEquals(3, timeouts.get(), "setTimeout(0) disables it");
            client.end();
            assertFalse(await(events.closed));
        }
    }

    /** The socket's byte count, read on its loop (the field is loop-confined). */
    private static long bytesReadOnLoop(Socket socket) {
        CompletableFuture<Long> count = new CompletableFuture<>();
        socket.loop().execute(() -> count.complete(socket.bytesRead()));
        return await(count);
    }

    /** Writes a byte and waits for the echo: a read and a write on the client, on its loop. */
    private static void echoRoundTrip(Socket client) {
        CompletableFuture<Void> echoed = new CompletableFuture<>();
        client.once(Duplex.DATA, data -> echoed.complete(null));
        client.write("x");
        await(echoed);
    }

    @Test
    void connectOptionTimeoutUsesTheSameTimer() {
        int port = listen(echoServer());
        try (ManualClock clock = new ManualClock()) {
            AtomicInteger timeouts = new AtomicInteger();
            CompletableFuture<Void> connected = new CompletableFuture<>();
            Socket client = Net.connect(ConnectOptions.builder().port(port).host("127.0.0.1").timeout(Duration.ofMillis(100))
                    .loop(clock.loop("connect-timeout")).build(), () -> connected.complete(null));
            client.on(Socket.TIMEOUT, timeouts::incrementAndGet);
            await(connected);
            clock.advance(Duration.ofMillis(99));
            assertEquals(0, timeouts.get());
            clock.advance(Duration.ofMillis(1));
            assertEquals(1, timeouts.get());
            assertEquals(100, client.timeout());
            client.destroy();
        }
    }

    @Test
    void publicMethodsWorkFromForeignThreads() throws Exception {
        CompletableFuture<String> received = new CompletableFuture<>();
        Server server = server(ServerOptions.DEFAULTS, socket -> {
            StringBuilder text = new StringBuilder();
            socket.setEncoding(StandardCharsets.UTF_8);
            socket.on(Duplex.TEXT, text::append);
            socket.on(Duplex.END, () -> received.complete(text.toString()));
        });
        int port = listen(server);
        Socket client = Net.connect(port, "127.0.0.1");
        int threads = 4;
        int linesEach = 500;
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread.ofPlatform().start(() -> {
                for (int i = 0; i < linesEach; i++) client.write("t" + id + ":" + i + "\n");
                done.countDown();
            });
        }
        assertTrue(done.await(10, TimeUnit.SECONDS));
        client.end();
        String text = await(received);
        String[] lines = text.split("\n");
        assertEquals(threads * linesEach, lines.length);
        for (int t = 0; t < threads; t++) { // each thread's writes arrive in its order
            String prefix = "t" + t + ":";
            int[] order = Arrays.stream(lines).filter(l -> l.startsWith(prefix))
                    .mapToInt(l -> Integer.parseInt(l.substring(prefix.length()))).toArray();
            assertEquals(linesEach, order.length);
            for (int i = 0; i < linesEach; i++) assertEquals(i, order[i]);
        }
    }

    @Test
    void setEncodingReassemblesCharactersSplitAcrossChunks() throws Exception {
        CompletableFuture<List<String>> chunks = new CompletableFuture<>();
        CompletableFuture<Socket> accepted = new CompletableFuture<>();
        Server server = server(ServerOptions.DEFAULTS, socket -> {
            accepted.complete(socket);
            List<String> texts = new ArrayList<>();
            socket.setEncoding(StandardCharsets.UTF_8);
            socket.on(Duplex.TEXT, texts::add);
            socket.on(Duplex.END, () -> chunks.complete(texts));
        });
        int port = listen(server);
        byte[] text = "é€𝄞!".getBytes(StandardCharsets.UTF_8); // 2 + 3 + 4 + 1 bytes
        CompletableFuture<Void> connected = new CompletableFuture<>();
        Socket client = Net.connect(ConnectOptions.builder().port(port).host("127.0.0.1").noDelay(true).build(),
                () -> connected.complete(null));
        await(connected);
        Socket reader = await(accepted);
        for (int i = 0; i < text.length; i++) { // one byte per read: every character is split
            client.write(new byte[] {text[i]});
            long sent = i + 1;
            Waiting.eventually("byte " + sent + " read", Duration.ofSeconds(10), () -> bytesReadOnLoop(reader) == sent);
        }
        client.end(new byte[] {(byte) 0xE2}); // a dangling lead byte becomes U+FFFD at the end
        List<String> received = await(chunks);
        assertEquals("é€𝄞!\uFFFD", String.join("", received));
        assertTrue(received.size() >= 4, "chunks: " + received);
        assertFalse(received.stream().anyMatch(s -> s.startsWith("\uFFFD") && s.length() > 1 && !s.equals("\uFFFD")));
    }

    @Test
    void pipeCarriesMegabytesThroughAProxyWithBackpressure() {
        int echoPort = listen(echoServer());
        // A proxy: each accepted socket is piped to a new connection to the echo server and back.
        // Half-open, so that the client's end does not end the way back before the echo returns.
        Server proxy = server(ServerOptions.builder().allowHalfOpen(true).build(), downstream -> {
            Socket upstream = Net.connect(ConnectOptions.builder().port(echoPort).host("127.0.0.1").allowHalfOpen(true).build(), null);
            downstream.pipe(upstream).pipe(downstream);
        });
        int proxyPort = listen(proxy);
        byte[] payload = new byte[4 << 20];
        new Random(7).nextBytes(payload);
        ByteBuffer echoed = ByteBuffer.allocate(payload.length);
        Socket client = Net.connect(proxyPort, "127.0.0.1");
        NetTesting.Recorder events = new NetTesting.Recorder(client);
        client.on(Duplex.DATA, buf -> {
            if (buf.remaining() <= echoed.remaining()) echoed.put(buf);
        });
        for (int off = 0; off < payload.length; off += 100_000) {
            client.write(ByteBuffer.wrap(payload, off, Math.min(100_000, payload.length - off)));
        }
        client.end();
        assertFalse(await(events.closed));
        assertEquals(payload.length, echoed.position());
        assertTrue(Arrays.equals(payload, echoed.array()));
    }

    @Test
    void customLookupResolvesHostNames() {
        int port = listen(echoServer());
        List<String> asked = new CopyOnWriteArrayList<>();
        Lookup lookup = host -> {
            asked.add(host);
            if (host.equals("echo.test")) return List.of(InetAddress.getLoopbackAddress());
            throw new UnknownHostException(host);
        };
        Socket client = Net.connect(ConnectOptions.builder().port(port).host("echo.test").lookup(lookup).build(), null);
        NetTesting.Recorder events = new NetTesting.Recorder(client).readAll(client);
        client.end("via lookup");
        assertFalse(await(events.closed));
        assertEquals("via lookup", events.data());

        Socket missing = new Socket();
        CompletableFuture<Throwable> error = new CompletableFuture<>();
        missing.on(EventEmitter.ERROR, error::complete);
        missing.connect(ConnectOptions.builder().port(port).host("nowhere.test").lookup(lookup).build(), null);
        NetException e = (NetException) await(error);
        assertEquals("ENOTFOUND", e.code());
        assertEquals("getaddrinfo", e.syscall());
        assertEquals("getaddrinfo ENOTFOUND nowhere.test", e.getMessage());
        assertEquals(List.of("echo.test", "nowhere.test"), asked);
    }

    @Test
    void resetByPeerIsEconnreset() {
        Server server = server(ServerOptions.DEFAULTS, socket -> socket.on(Duplex.DATA, buf -> socket.resetAndDestroy()));
        int port = listen(server);
        Socket client = Net.connect(port, "127.0.0.1");
        CompletableFuture<Throwable> error = new CompletableFuture<>();
        client.on(EventEmitter.ERROR, error::complete);
        client.resume();
        client.write("trigger");
        NetException e = (NetException) await(error);
        assertEquals("ECONNRESET", e.code());
        assertEquals(-104, e.errno());
        assertEquals("read", e.syscall());
    }

    @Test
    void writeAfterEndFailsWithNodesCode() {
        int port = listen(echoServer());
        Socket client = Net.connect(port, "127.0.0.1");
        CompletableFuture<Throwable> error = new CompletableFuture<>();
        CompletableFuture<Throwable> callback = new CompletableFuture<>();
        client.on(EventEmitter.ERROR, error::complete);
        // end() then write() in one turn of the loop, as in one tick of Node. From another thread
        // the two calls may be a whole round trip apart: the server's end may then have closed the
        // socket (it reads its peer's FIN even unread), and a write after the close gets the
        // callback's error but, as in Node, no 'error' event after 'close'.
        client.loop().execute(() -> {
            client.end();
            client.write("late".getBytes(StandardCharsets.UTF_8), callback::complete);
        });
        assertEquals("ERR_STREAM_WRITE_AFTER_END", NetTesting.code(await(error)));
        assertEquals("ERR_STREAM_WRITE_AFTER_END", NetTesting.code(await(callback)));
    }

    @Test
    void writeCallbacksRunAfterTheBytesAreFlushed() {
        int port = listen(echoServer());
        Socket client = Net.connect(port, "127.0.0.1");
        client.resume();
        CompletableFuture<Throwable> flushed = new CompletableFuture<>();
        client.write(ByteBuffer.wrap("abc".getBytes(StandardCharsets.UTF_8)), err -> {
            assertTrue(client.loop().inEventLoop());
            flushed.complete(err);
        });
        assertEquals(null, await(flushed));
        assertEquals(3, client.bytesWritten());
        client.destroy();
    }

    @Test
    void throwingListenerDoesNotStopTheOthersOrTheLoop() {
        int port = listen(echoServer());
        Socket client = Net.connect(port, "127.0.0.1");
        NetTesting.Recorder events = new NetTesting.Recorder(client);
        client.on(Duplex.DATA, buf -> {
            throw new IllegalStateException("listener bug (expected in this test)");
        });
        CompletableFuture<String> second = new CompletableFuture<>();
        client.on(Duplex.DATA, buf -> second.complete(utf8(buf)));
        client.end("still delivered");
        assertEquals("still delivered", await(second));
        assertFalse(await(events.closed));
    }

    @Test
    void unheardErrorStillDestroysTheSocket() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Socket client = new Socket(); // no 'error' listener: logged, not thrown
        CompletableFuture<Boolean> closed = new CompletableFuture<>();
        client.on(Duplex.CLOSE, closed::complete);
        client.connect(port, "127.0.0.1", null);
        assertTrue(await(closed));
    }

    @Test
    void rawReaderSeesBorrowedBytesWithoutDataEvents() {
        int port = listen(echoServer());
        Socket client = Net.connect(port, "127.0.0.1");
        StringBuilder raw = new StringBuilder();
        AtomicBoolean dataEvent = new AtomicBoolean();
        AtomicBoolean direct = new AtomicBoolean(true);
        client.on(Duplex.DATA, buf -> dataEvent.set(true));
        client.setRawReader(buf -> {
            direct.compareAndSet(true, buf.isDirect());
            raw.append(utf8(buf));
        });
        NetTesting.Recorder events = new NetTesting.Recorder(client);
        client.end("raw bytes");
        assertFalse(await(events.closed));
        assertEquals("raw bytes", raw.toString());
        assertFalse(dataEvent.get());
        assertTrue(direct.get(), "raw reads should hand over the loop's direct buffer");
    }

    @Test
    void dataChunksAreAtMost64KiBAsNodeReadsThem() throws Exception {
        // The loop reads more than 64 KiB at once for TLS engines, which borrow the bytes;
        // chunks a program receives keep Node's size.
        byte[] payload = new byte[1 << 20];
        new Random(7).nextBytes(payload);
        try (ServerSocket source = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread writer = Thread.ofPlatform().daemon().start(() -> { // not virtual: other tests may hold every carrier
                try (java.net.Socket peer = source.accept()) {
                    peer.getOutputStream().write(payload);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Socket client = new Socket(); // listeners first: the peer writes as soon as it accepts
            java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
            AtomicInteger largest = new AtomicInteger();
            client.on(Duplex.DATA, buf -> {
                largest.accumulateAndGet(buf.remaining(), Math::max);
                byte[] bytes = new byte[buf.remaining()];
                buf.get(bytes);
                received.write(bytes, 0, bytes.length); // on the loop thread only
            });
            NetTesting.Recorder events = new NetTesting.Recorder(client);
            client.connect(source.getLocalPort(), "127.0.0.1", null);
            assertFalse(await(events.closed));
            writer.join();
            assertTrue(Arrays.equals(payload, received.toByteArray()), "every byte, in order");
            assertTrue(largest.get() <= 64 * 1024, "largest chunk " + largest.get());
        }
    }

    @Test
    void writeBorrowedCopiesOnlyWhatTheKernelDidNotTake() {
        int port = listen(echoServer());
        CompletableFuture<Void> connected = new CompletableFuture<>();
        Socket client = Net.connect(port, "127.0.0.1", () -> connected.complete(null));
        NetTesting.Recorder events = new NetTesting.Recorder(client).readAll(client);
        await(connected);
        client.loop().execute(() -> {
            ByteBuffer reused = ByteBuffer.allocateDirect(64);
            for (String part : List.of("one ", "two ", "three")) {
                reused.clear();
                reused.put(part.getBytes(StandardCharsets.UTF_8)).flip();
                client.writeBorrowed(reused);
            }
            client.end();
        });
        assertFalse(await(events.closed));
        assertEquals("one two three", events.data());
    }
}
