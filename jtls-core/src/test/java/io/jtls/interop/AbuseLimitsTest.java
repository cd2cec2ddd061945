package io.jtls.interop;

import static io.jtls.interop.AbuseKit.*;
import static io.jtls.interop.InteropCerts.*;
import static io.jtls.interop.JtlsPeer.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.Tls;
import io.jtls.TlsServer;
import io.jtls.TlsSocket;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import io.jtls.pki.HeldCertificate;
import io.jtls.support.NativeLeakCheck;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Limits under abuse (issue 11): many hostile clients at once against one jtls echo server,
 * while a {@link AbuseKit.WellBehavedClient well-behaved client} keeps doing round trips and new
 * handshakes. Each test checks what happened to the hostile connections and that the
 * well-behaved client was served throughout; its latencies are printed (test output), not
 * asserted. Every native object is freed at the end.
 */
class AbuseLimitsTest {
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofMillis(1500);
    static byte[] clientHello;

    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    @BeforeAll
    static void capture() {
        clientHello = captureClientHello();
    }

    /** An echo server with a handshake timeout, recording the codes of its tlsClientErrors. */
    static final class Server implements AutoCloseable {
        final TlsServer server;
        final int port;
        final List<String> clientErrors = new CopyOnWriteArrayList<>();
        final AtomicInteger secured = new AtomicInteger();

        Server(io.jtls.TlsServerOptions.Builder options, Consumer<TlsSocket> onSecure) {
            server = Tls.createServer(options.handshakeTimeout(HANDSHAKE_TIMEOUT).build(), s -> {
                secured.incrementAndGet();
                onSecure.accept(s);
            });
            server.on(TlsServer.TLS_CLIENT_ERROR, (e, s) -> clientErrors.add(code(e)));
            port = listen(server);
        }

        Server() {
            this(serverWith(SERVER_EC), s -> s.pipe(s));
        }

        void awaitClientErrors(int n) {
            eventually(n + " tlsClientErrors (got " + clientErrors.size() + ")", () -> clientErrors.size() >= n);
        }

        @Override
        public void close() {
            JtlsPeer.close(server);
        }
    }

    /** Byte-at-a-time ClientHellos, 40 at once: each is cut off by the handshake timeout. */
    @Test
    void slowHandshakesAreCutOffByTheHandshakeTimeout() {
        try (Server server = new Server(); WellBehavedClient probe = new WellBehavedClient(server.port)) {
            int slow = 40;
            List<Runnable> clients = new ArrayList<>();
            List<Long> closedAfter = new CopyOnWriteArrayList<>();
            for (int i = 0; i < slow; i++) {
                clients.add(() -> closedAfter.add(dribbleUntilClosed(server.port, clientHello, 50)));
            }
            allAtOnce(clients);
            server.awaitClientErrors(slow);
            probe.awaitRoundTrips(20);
            System.out.println("slow handshakes: closed by the server after " + closedAfter.stream().sorted().toList() + " ms");
            probe.stop("slow handshakes (" + slow + " byte-at-a-time ClientHellos)");
            assertEquals(slow, server.clientErrors.stream().filter("ERR_TLS_HANDSHAKE_TIMEOUT"::equals).count(),
                    server.clientErrors.toString());
        }
    }

    /** Full handshakes as fast as 16 clients can make them, plus ClientHellos thrown at the server and abandoned. */
    @Test
    void handshakeFlood() {
        try (Server server = new Server(); WellBehavedClient probe = new WellBehavedClient(server.port)) {
            int flooders = 16;
            int each = 20;
            AtomicInteger completed = new AtomicInteger();
            List<Runnable> clients = new ArrayList<>();
            for (int i = 0; i < flooders; i++) {
                clients.add(() -> {
                    for (int j = 0; j < each; j++) {
                        CompletableFuture<Void> secure = new CompletableFuture<>();
                        CompletableFuture<Boolean> closed = new CompletableFuture<>();
                        TlsSocket s = JtlsPeer.connect(clientTo(server.port).build(), c -> {
                            c.on(TlsSocket.SECURE_CONNECT, () -> secure.complete(null));
                            c.on(EventEmitter.ERROR, secure::completeExceptionally);
                            c.on(Duplex.CLOSE, closed::complete);
                        });
                        await(secure);
                        completed.incrementAndGet();
                        s.destroy();
                        await(closed);
                    }
                });
                clients.add(() -> {
                    for (int j = 0; j < each; j++) {
                        try (Socket s = raw(server.port)) {
                            s.getOutputStream().write(clientHello); // the server does its expensive part, then we leave
                        } catch (IOException e) {
                            throw new AssertionError(e);
                        }
                    }
                });
            }
            allAtOnce(clients);
            probe.awaitRoundTrips(20);
            probe.stop("handshake flood (" + flooders * each + " full handshakes, " + flooders * each + " abandoned ClientHellos)");
            assertEquals(flooders * each, completed.get());
            server.awaitClientErrors(flooders * each); // every abandoned hello is reported, none left hanging
        }
    }

    /**
     * Half-open and silent connections: connected and silent, a ClientHello then a half-close, a
     * truncated ClientHello then silence. The handshake timeout closes every one of them.
     */
    @Test
    void halfOpenAndSilentConnectionsAreClosedByTheHandshakeTimeout() {
        try (Server server = new Server(); WellBehavedClient probe = new WellBehavedClient(server.port)) {
            int each = 30;
            List<Runnable> clients = new ArrayList<>();
            for (int i = 0; i < each; i++) {
                clients.add(() -> {
                    try (Socket s = raw(server.port)) {
                        readUntilClosed(s);
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                });
                clients.add(() -> {
                    try (Socket s = raw(server.port)) {
                        s.getOutputStream().write(java.util.Arrays.copyOf(clientHello, clientHello.length / 2));
                        s.shutdownOutput(); // half-open: we still read
                        readUntilClosed(s);
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                });
                clients.add(() -> {
                    try (Socket s = raw(server.port)) {
                        s.getOutputStream().write(java.util.Arrays.copyOf(clientHello, 20));
                        readUntilClosed(s);
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                });
            }
            allAtOnce(clients);
            server.awaitClientErrors(3 * each);
            probe.awaitRoundTrips(20);
            probe.stop("half-open and silent connections (" + 3 * each + ")");
            System.out.println("half-open: tlsClientError codes " + new java.util.TreeMap<>(counts(server.clientErrors)));
        }
    }

    /**
     * Clients that never read: each server connection writes 64 KiB chunks while write() returns
     * true and waits for 'drain' otherwise. While the clients do not read, the bytes each server
     * socket holds stay below the high-water mark plus one chunk and no 'drain' comes; when the
     * clients read, 'drain' comes and every byte arrives.
     */
    @Test
    void clientsThatNeverReadHoldServerBuffersAtTheHighWaterMark() {
        int clients = 8;
        int chunk = 64 * 1024;
        long total = 12L * 1024 * 1024; // well above the ~4 MiB the kernel buffers of a loopback connection take
        Map<TlsSocket, Writer> writers = new ConcurrentHashMap<>();
        io.jtls.TlsServerOptions.Builder options = serverWith(SERVER_EC);
        try (Server server = new Server(options, s -> {
                    Writer w = new Writer(s, chunk, total);
                    if ("never-reads".equals(s.servername())) {
                        writers.put(s, w);
                        w.run();
                    } else {
                        s.pipe(s); // the well-behaved client
                    }
                });
                WellBehavedClient probe = new WellBehavedClient(server.port)) {
            List<TlsSocket> sockets = new ArrayList<>();
            List<JtlsPeer.Sink> sinks = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                CompletableFuture<Void> secure = new CompletableFuture<>();
                JtlsPeer.Sink[] sink = new JtlsPeer.Sink[1];
                sockets.add(JtlsPeer.connect(clientTo(server.port).servername("never-reads").rejectUnauthorized(false).build(), c -> {
                    c.pause(); // never reads: the server's bytes pile up in the kernel buffers, then in the server
                    sink[0] = new JtlsPeer.Sink(c);
                    c.on(TlsSocket.SECURE_CONNECT, () -> secure.complete(null));
                    c.on(EventEmitter.ERROR, secure::completeExceptionally);
                }));
                await(secure);
                sinks.add(sink[0]);
            }
            eventually("a server connection per client", () -> writers.size() == clients);
            // Stalled: nothing more accepted by any writer across three barriers in a row, each a
            // batch of the well-behaved client's round trips and a turn of every writer's loop.
            long[] before = null;
            for (int unchanged = 0; unchanged < 3; ) {
                probe.awaitRoundTrips(10);
                writers.keySet().forEach(AbuseLimitsTest::loopTurn);
                long[] now = writers.values().stream().mapToLong(w -> w.written.get()).toArray();
                unchanged = java.util.Arrays.equals(before, now) ? unchanged + 1 : 0;
                before = now;
            }
            long[] drainsAtStall = writers.values().stream().mapToLong(w -> w.drains.get()).toArray();
            for (int barrier = 0; barrier < 5; barrier++) {
                probe.awaitRoundTrips(20); // the server went on serving: now look again
                for (Writer w : writers.values()) {
                    long held = w.socket.writableLength();
                    w.maxHeld.accumulateAndGet(held, Math::max);
                    assertTrue(held <= TlsSocket.DEFAULT_HIGH_WATER_MARK + chunk, "server holds " + held + " bytes");
                    assertTrue(w.waitingForDrain(), "no 'drain' while the client does not read");
                    assertTrue(w.written.get() < total, "the server cannot have sent everything");
                }
            }
            assertArrayEquals(drainsAtStall, writers.values().stream().mapToLong(w -> w.drains.get()).toArray(),
                    "no 'drain' while the clients do not read");
            String held = writers.values().stream().map(w -> w.written.get() / 1024 + " KiB accepted, max held "
                    + w.maxHeld.get() / 1024 + " KiB").distinct().limit(3).toList().toString();
            sockets.forEach(TlsSocket::resume);
            for (JtlsPeer.Sink sink : sinks) {
                assertEquals(total, await(sink.done).bytes(), "every byte arrives once the client reads");
            }
            probe.stop("clients that never read (" + clients + " connections, " + held + ")");
        }
    }

    /** Returns once {@code socket}'s loop has run a task queued now. */
    private static void loopTurn(TlsSocket socket) {
        CompletableFuture<Void> turn = new CompletableFuture<>();
        socket.loop().execute(() -> turn.complete(null));
        await(turn);
    }

    /** Writes {@code total} bytes in chunks, honouring write() and 'drain' as Node's docs ask, then ends. */
    static final class Writer implements Runnable {
        final TlsSocket socket;
        final int chunk;
        final long total;
        final java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong drains = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong maxHeld = new java.util.concurrent.atomic.AtomicLong();
        private volatile boolean waiting;

        Writer(TlsSocket socket, int chunk, long total) {
            this.socket = socket;
            this.chunk = chunk;
            this.total = total;
        }

        boolean waitingForDrain() {
            return waiting;
        }

        @Override
        public void run() { // on the socket's loop
            waiting = false;
            while (written.get() < total) {
                int n = (int) Math.min(chunk, total - written.get());
                written.addAndGet(n);
                if (!socket.write(new byte[n])) {
                    waiting = true;
                    socket.once(Duplex.DRAIN, () -> {
                        drains.incrementAndGet();
                        run();
                    });
                    return;
                }
            }
            socket.end();
        }
    }

    /**
     * TLS 1.2 clients that renegotiate again and again: each is stopped at Node's limit (3 per 10
     * minutes). Also against servers with a session cache (listeners, a store), where a
     * renegotiation's ClientHello carries the session id (issue 11's hang).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"no session cache", "session listeners", "session store"})
    void renegotiationFloodIsStoppedAtNodesLimit(String cache) {
        List<String> serverErrors = new CopyOnWriteArrayList<>();
        io.jtls.TlsServerOptions.Builder options = serverWith(SERVER_EC).maxVersion("TLSv1.2");
        if (cache.equals("session store")) {
            options.sessionStore(io.jtls.session.InMemorySessionStore.create());
        }
        try (Server server = new Server(options, s -> {
                    s.on(EventEmitter.ERROR, e -> serverErrors.add(code(e)));
                    s.pipe(s);
                });
                WellBehavedClient probe = new WellBehavedClient(server.port)) {
            if (cache.equals("session listeners")) {
                Map<String, byte[]> sessions = new ConcurrentHashMap<>();
                server.server.on(TlsServer.NEW_SESSION, (id, data, done) -> {
                    sessions.put(java.util.HexFormat.of().formatHex(id), data);
                    done.run();
                });
                server.server.on(TlsServer.RESUME_SESSION, (id, callback) ->
                        callback.call(null, sessions.get(java.util.HexFormat.of().formatHex(id))));
            }
            int clients = 20;
            List<String> outcomes = new CopyOnWriteArrayList<>();
            List<Runnable> tasks = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                tasks.add(() -> {
                    CompletableFuture<Boolean> closed = new CompletableFuture<>();
                    AtomicInteger done = new AtomicInteger();
                    CompletableFuture<Void> secure = new CompletableFuture<>();
                    TlsSocket s = JtlsPeer.connect(clientTo(server.port).maxVersion("TLSv1.2").build(), c -> {
                        c.on(TlsSocket.SECURE_CONNECT, () -> secure.complete(null));
                        c.on(EventEmitter.ERROR, e -> outcomes.add("client error " + code(e)));
                        c.on(Duplex.CLOSE, closed::complete);
                    });
                    await(secure);
                    Runnable[] again = new Runnable[1];
                    again[0] = () -> s.renegotiate(err -> {
                        if (err == null && done.incrementAndGet() < 50) {
                            again[0].run();
                        }
                    });
                    again[0].run();
                    await(closed);
                    outcomes.add("renegotiations completed before the close: " + done.get());
                });
            }
            allAtOnce(tasks);
            probe.awaitRoundTrips(20);
            probe.stop("renegotiation flood, " + cache + " (" + clients + " TLS 1.2 clients renegotiating in a loop)");
            System.out.println("renegotiation flood: " + new java.util.TreeMap<>(counts(outcomes)));
            eventually("an error on every flooding connection", () -> serverErrors.size() >= clients);
            assertEquals(Map.of("ERR_TLS_SESSION_ATTACK", (long) clients), counts(serverErrors));
            assertEquals(0, outcomes.stream().filter(o -> o.startsWith("renegotiations completed before the close: ")
                    && Integer.parseInt(o.substring(o.lastIndexOf(' ') + 1)) > Tls.CLIENT_RENEG_LIMIT).count(),
                    "no client gets more than " + Tls.CLIENT_RENEG_LIMIT + " renegotiations: " + outcomes);
        }
    }

    /** ClientHellos cut into 1-byte records (30 at once), and application data in 1-byte records. */
    @Test
    void oneByteRecords() {
        try (Server server = new Server(); WellBehavedClient probe = new WellBehavedClient(server.port)) {
            byte[] fragmented = splitIntoRecords(clientHello, 1);
            List<Runnable> tasks = new ArrayList<>();
            List<Integer> answers = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 30; i++) {
                tasks.add(() -> {
                    try (Socket s = raw(server.port)) {
                        s.getOutputStream().write(fragmented);
                        InputStream in = s.getInputStream();
                        s.setSoTimeout((int) TIMEOUT.toMillis());
                        answers.add(in.read()); // the first byte of the server's answer: a handshake record
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                });
            }
            int writers = 10;
            int bytes = 2000;
            for (int i = 0; i < writers; i++) {
                tasks.add(() -> oneByteAtATime(server.port, bytes));
            }
            allAtOnce(tasks);
            probe.awaitRoundTrips(20);
            probe.stop("1-byte records (30 ClientHellos in " + fragmented.length / 6 + " records each, "
                    + writers + " clients writing " + bytes + " 1-byte records)");
            assertEquals(java.util.Collections.nCopies(30, 0x16), answers, "the server answers a fragmented ClientHello");
        }
    }

    /** A client that writes one byte per loop turn (one record each) and reads the echo back. */
    private static void oneByteAtATime(int port, int count) {
        CompletableFuture<Void> secure = new CompletableFuture<>();
        AtomicInteger echoed = new AtomicInteger();
        CompletableFuture<Void> all = new CompletableFuture<>();
        TlsSocket s = JtlsPeer.connect(clientTo(port).build(), c -> {
            c.on(TlsSocket.SECURE_CONNECT, () -> secure.complete(null));
            c.on(EventEmitter.ERROR, all::completeExceptionally);
            c.on(Duplex.DATA, b -> {
                if (echoed.addAndGet(b.remaining()) == count) {
                    all.complete(null);
                }
            });
        });
        await(secure);
        int[] sent = {0};
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            if (sent[0]++ < count) {
                s.write(new byte[] {(byte) sent[0]}, err -> s.loop().execute(next[0])); // flushed: next turn
            }
        };
        s.loop().execute(next[0]);
        await(all);
        s.destroy();
    }

    /**
     * Clients whose certificate chain exceeds OpenSSL's 100 KiB limit: refused, the server
     * unharmed. The server asks for certificates without requiring them, so that the
     * well-behaved client (none) is served.
     */
    @Test
    void oversizedClientCertificateChainsAreRefused() {
        HeldCertificate big = bigCertificate("clientAuth");
        String chain = big.certificatePem() + big.certificatePem() + big.certificatePem();
        try (Server server = new Server(serverWith(SERVER_EC).requestCert(true).rejectUnauthorized(false)
                .ca(ROOT.certificatePem()), s -> s.pipe(s));
                WellBehavedClient probe = new WellBehavedClient(server.port)) {
            int clients = 12;
            List<String> clientSide = new CopyOnWriteArrayList<>();
            List<Runnable> tasks = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                tasks.add(() -> {
                    CompletableFuture<Boolean> closed = new CompletableFuture<>();
                    JtlsPeer.connect(clientTo(server.port).cert(chain).key(big.privateKeyPem()).build(), c -> {
                        c.on(EventEmitter.ERROR, e -> clientSide.add(code(e)));
                        c.on(TlsSocket.SECURE_CONNECT, () -> c.write("x"));
                        c.on(Duplex.CLOSE, closed::complete);
                    });
                    await(closed);
                });
            }
            allAtOnce(tasks);
            server.awaitClientErrors(clients);
            probe.awaitRoundTrips(20);
            probe.stop("oversized client certificate chains (" + clients + " clients, " + chain.length() / 1024 + " KiB of PEM each)");
            System.out.println("oversized chains: server " + counts(server.clientErrors) + ", clients " + counts(clientSide));
            assertEquals(Map.of("ERR_SSL_EXCESSIVE_MESSAGE_SIZE", (long) clients), counts(server.clientErrors));
        }
    }

    /** A server whose chain exceeds the client's limit: the jtls client fails the handshake cleanly. */
    @Test
    void oversizedServerCertificateChainFailsTheClient() {
        HeldCertificate big = bigCertificate("serverAuth");
        String chain = big.certificatePem() + big.certificatePem() + big.certificatePem();
        try (Server server = new Server(io.jtls.TlsServerOptions.builder().cert(chain).key(big.privateKeyPem()), s -> s.pipe(s))) {
            CompletableFuture<Throwable> error = new CompletableFuture<>();
            JtlsPeer.connect(clientTo(server.port).build(), c -> c.on(EventEmitter.ERROR, error::complete));
            assertEquals("ERR_SSL_EXCESSIVE_MESSAGE_SIZE", code(await(error)));
            server.awaitClientErrors(1);
        }
    }

    /** A certificate of about 55 KiB (2,500 DNS names), issued by the interop root. */
    private static HeldCertificate bigCertificate(String usage) {
        HeldCertificate.Builder b = HeldCertificate.builder().commonName("localhost").addSubjectAltName("localhost")
                .extendedKeyUsage(usage).signedBy(ROOT);
        for (int i = 0; i < 2500; i++) {
            b.addSubjectAltName("DNS:name-" + i + ".big.example");
        }
        return b.build();
    }

    private static Map<String, Long> counts(List<String> values) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        values.forEach(v -> counts.merge(v, 1L, Long::sum));
        return counts;
    }
}
