package io.jtls.blocking;

import static io.jtls.blocking.BlockingFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.TlsConnectOptions;
import io.jtls.TlsSocket;
import io.jtls.support.NativeLeakCheck;
import io.jtls.support.Waiting;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Blocking streams over real TLS connections on loopback, one virtual thread per connection. */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // a wait that is not refused or never ends fails instead of hanging
class BlockingStreamsTest {
    /** Every connection of a test, and its native objects, is gone once the test is over. */
    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    /** The shared client context lives as long as the class: made before any test counts native objects. */
    @BeforeAll
    static void makeTheSharedClientContext() {
        assertNotNull(CLIENT_CONTEXT);
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void thousandVirtualThreadClientsEchoThroughStreams() throws Exception {
        int clients = 1000;
        AtomicInteger served = new AtomicInteger();
        try (BlockingTlsServer server = new BlockingTlsServer(server(SERVER)).listen(0, "127.0.0.1", 2048);
                AutoCloseable drained = drained(server)) {
            server.serve(c -> {
                c.input().transferTo(c.output()); // until the client ends
                served.incrementAndGet();
            });
            int port = server.address().port();
            List<Future<String>> answers = new ArrayList<>();
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < clients; i++) {
                    String message = "hello from client " + i + " " + "x".repeat(i % 300);
                    answers.add(threads.submit(() -> {
                        try (BlockingStreams<TlsSocket> c = BlockingTls.connect(client(port))) {
                            byte[] sent = message.getBytes(StandardCharsets.UTF_8);
                            c.output().write(sent);
                            byte[] echoed = c.input().readNBytes(sent.length);
                            c.output().close(); // close_notify: the server's transferTo ends
                            assertEquals(-1, c.input().read(), "the server ends after the echo");
                            return new String(echoed, StandardCharsets.UTF_8);
                        }
                    }));
                }
                for (int i = 0; i < clients; i++) {
                    assertEquals("hello from client " + i + " " + "x".repeat(i % 300), answers.get(i).get());
                }
            }
            assertEquals(clients, served.get(), "every handler saw its client's end and returned");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void megabytesBothWaysWithSmallBuffers() throws Exception {
        byte[] payload = new byte[8 * 1024 * 1024];
        new Random(7).nextBytes(payload);
        try (BlockingTlsServer server = new BlockingTlsServer(server(SERVER), 1024).listen(0, "127.0.0.1");
                AutoCloseable drained = drained(server)) {
            server.serve(c -> c.input().transferTo(c.output()));
            try (BlockingStreams<TlsSocket> c = BlockingTls.connect(client(server.address().port()), 1024)) {
                Thread writer = Thread.ofVirtual().start(() -> {
                    try {
                        for (int off = 0; off < payload.length; off += 100_000) {
                            c.output().write(payload, off, Math.min(100_000, payload.length - off));
                        }
                        c.output().close();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                byte[] back = c.input().readAllBytes();
                writer.join();
                assertEquals(payload.length, back.length);
                assertTrue(Arrays.equals(payload, back), "every byte echoed in order");
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aReaderThatFallsBehindPausesTheConnectionAndTheWriterWaits() throws Exception {
        int readLimit = 16 * 1024;
        long total = 64L * 1024 * 1024;
        try (BlockingTlsServer server = new BlockingTlsServer(server(SERVER), readLimit).listen(0, "127.0.0.1");
                AutoCloseable drained = drained(server);
                BlockingStreams<TlsSocket> c = BlockingTls.connect(client(server.address().port()))) {
            BlockingStreams<TlsSocket> accepted = server.accept();
            AtomicInteger writtenChunks = new AtomicInteger();
            Thread writer = Thread.ofVirtual().start(() -> {
                byte[] chunk = new byte[64 * 1024];
                try {
                    for (long sent = 0; sent < total; sent += chunk.length) {
                        c.output().write(chunk);
                        writtenChunks.incrementAndGet();
                    }
                    c.output().close();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            // Nobody reads on the server: its buffer fills to the limit, the connection pauses,
            // TCP and the client's queue fill, and the client's write waits for 'drain'.
            Waiting.eventually("the server side paused, the writer waits for 'drain'", TIMEOUT,
                    () -> accepted.stream().isPaused() && available(accepted) >= readLimit
                            && writer.getState() == Thread.State.WAITING);
            assertTrue(writer.isAlive(), "64 MiB cannot have gone into a paused connection");
            int buffered = available(accepted);
            assertTrue(buffered < readLimit + 128 * 1024, "the paused connection buffers about its limit, not " + buffered);
            long received = accepted.input().transferTo(OutputStream.nullOutputStream());
            writer.join();
            assertEquals(total, received);
            assertEquals(total / (64 * 1024), writtenChunks.get());
            accepted.close();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aHandlerThatBlocksDelaysOnlyItsOwnConnection() throws Exception {
        CountDownLatch firstBlocking = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (BlockingTlsServer server = new BlockingTlsServer(server(SERVER)).listen(0, "127.0.0.1");
                AutoCloseable drained = drained(server)) {
            server.serve(c -> {
                int kind = c.input().read();
                if (kind == 'A') {
                    firstBlocking.countDown();
                    release.await(); // a handler stuck in a slow call: holds only its own thread
                }
                c.output().write(kind);
            });
            int port = server.address().port();
            try (BlockingStreams<TlsSocket> a = BlockingTls.connect(client(port));
                    BlockingStreams<TlsSocket> b = BlockingTls.connect(client(port))) {
                a.output().write('A');
                assertTrue(firstBlocking.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
                b.output().write('B');
                assertEquals('B', b.input().read(), "served while A's handler still blocks");
                assertEquals(1, release.getCount(), "A was still blocked when B got its answer");
                release.countDown();
                assertEquals('A', a.input().read());
            }
        }
    }

    @Test
    void connectThrowsTheVerificationErrorWithNodesCode() throws Exception {
        try (BlockingTlsServer server = new BlockingTlsServer(server(SELF_SIGNED)).listen(0, "127.0.0.1");
                AutoCloseable drained = drained(server)) {
            TlsIOException e = assertThrows(TlsIOException.class, () -> BlockingTls.connect(client(server.address().port())));
            assertEquals("DEPTH_ZERO_SELF_SIGNED_CERT", e.code());
            assertInstanceOf(io.jtls.error.TlsException.class, e.getCause());
        }
    }

    @Test
    void connectToAClosedPortThrowsEconnrefused() throws Exception {
        int port;
        try (BlockingTlsServer server = new BlockingTlsServer(server(SERVER)).listen(0, "127.0.0.1");
                AutoCloseable drained = drained(server)) {
            port = server.address().port();
        }
        int closedPort = port;
        Waiting.eventually("the port is free", TIMEOUT, () -> {
            try {
                BlockingTls.connect(client(closedPort)).destroy();
                return false;
            } catch (TlsIOException e) {
                return "ECONNREFUSED".equals(e.code());
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    void listenOnAPortInUseThrowsEaddrinuse() throws Exception {
        try (BlockingTlsServer first = new BlockingTlsServer(server(SERVER)).listen(0, "127.0.0.1");
                AutoCloseable drained = drained(first);
                BlockingTlsServer second = new BlockingTlsServer(server(SERVER));
                AutoCloseable drainedToo = drained(second)) {
            TlsIOException e = assertThrows(TlsIOException.class, () -> second.listen(first.address().port(), "127.0.0.1"));
            assertEquals("EADDRINUSE", e.code());
        }
    }

    @Test
    void acceptFailsOnceTheServerIsClosed() throws Exception {
        BlockingTlsServer server = new BlockingTlsServer(server(SERVER)).listen(0, "127.0.0.1");
        Thread acceptor = Thread.ofVirtual().start(() -> {
            assertThrows(java.net.SocketException.class, server::accept);
        });
        server.close();
        acceptor.join();
        assertThrows(java.net.SocketException.class, server::accept);
        server.awaitClosed();
    }

    @Test
    void readReturnsEndOfStreamAfterThePeerEnds() throws Exception {
        try (BlockingTlsServer server = new BlockingTlsServer(server(SERVER)).listen(0, "127.0.0.1");
                AutoCloseable drained = drained(server)) {
            server.serve(c -> c.output().write("bye".getBytes(StandardCharsets.UTF_8)));
            try (BlockingStreams<TlsSocket> c = BlockingTls.connect(client(server.address().port()))) {
                InputStream in = c.input();
                assertEquals("bye", new String(in.readAllBytes(), StandardCharsets.UTF_8));
                assertEquals(-1, in.read());
            }
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aHandlerThatReturnsWithoutReadingDoesNotStallAPeerStillSending() throws Exception {
        try (BlockingTlsServer server = new BlockingTlsServer(server(SERVER)).listen(0, "127.0.0.1");
                AutoCloseable drained = drained(server)) {
            server.serve(c -> c.output().write('x')); // returns at once: the connection is closed, the input dropped
            // A half-open client goes on sending after the server's end, and ends only then.
            TlsConnectOptions halfOpen = client(server.address().port()).toBuilder().allowHalfOpen(true).build();
            try (BlockingStreams<TlsSocket> c = BlockingTls.connect(halfOpen)) {
                assertEquals("x", new String(c.input().readAllBytes(), StandardCharsets.UTF_8));
                // Far beyond the server's read limit: were the input not dropped, the server's
                // connection would stay paused and this write would wait for 'drain' forever.
                c.output().write(new byte[4 * 1024 * 1024]);
                c.output().close();
                c.awaitClosed();
            }
        }
    }

    @Test
    void connectWithADeadlineGivesUpOnAServerThatNeverAnswers() throws Exception {
        List<io.jtls.net.Socket> silent = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.jtls.net.Server tcpOnly = new io.jtls.net.Server(silent::add); // accepts, never speaks TLS
        try {
            int port = Waiting.listen(tcpOnly, TIMEOUT);
            assertThrows(java.net.SocketTimeoutException.class,
                    () -> BlockingTls.connect(client(port), Duration.ofMillis(300)));
            Waiting.eventually("the TCP connection was made: the wait was for the handshake", TIMEOUT, () -> silent.size() == 1);
        } finally {
            silent.forEach(io.jtls.net.Socket::destroy);
            Waiting.close(tcpOnly, TIMEOUT);
        }
    }

    @Test
    void anAnswerWrittenAfterThePeersEndArrivedStillGoesOut() throws Exception {
        try (BlockingTlsServer server = new BlockingTlsServer(server(SERVER)).listen(0, "127.0.0.1");
                AutoCloseable drained = drained(server);
                BlockingStreams<TlsSocket> c = BlockingTls.connect(client(server.address().port()))) {
            BlockingStreams<TlsSocket> accepted = server.accept();
            c.output().write("ping".getBytes(StandardCharsets.UTF_8));
            c.output().close(); // the request, then the client's end
            // The end has reached the server's socket while "ping" still waits, unread, in the view.
            Waiting.eventually("the server's socket saw the client's end", TIMEOUT, () -> accepted.stream().readableEnded());
            assertEquals("ping", new String(accepted.input().readAllBytes(), StandardCharsets.UTF_8));
            accepted.output().write("pong".getBytes(StandardCharsets.UTF_8)); // Node's auto-end would refuse this
            accepted.close();
            assertEquals("pong", new String(c.input().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static int available(BlockingStreams<?> c) {
        try {
            return c.input().available();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
