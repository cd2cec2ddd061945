package io.jtls.bench;

import io.jtls.Tls;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.TlsSocket;
import io.jtls.context.Constants;
import io.jtls.internal.openssl.NativeCallCounts;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import io.jtls.net.EventLoopGroup;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The jtls server of the performance anchors: {@code /work/shared/bench/server-node.js} on
 * jtls, with the same options, files, output and behaviour, so that the harness
 * ({@code run-anchors.sh} with {@code JTLS_SERVER_CMD}) measures both with one client.
 *
 * <ul>
 *   <li>Options: {@link BenchOptions} (argv, else environment, else server-node.js's default).</li>
 *   <li>Key and certificate: {@code $CERTS_DIR/server-{ec,rsa}.{key,crt}} ({@code certs/} in
 *       the working directory without {@code CERTS_DIR}).</li>
 *   <li>Prints exactly {@code listening PORT} (flushed) once it accepts.</li>
 *   <li>Modes: {@code echo} pipes every connection into itself ({@code sock.pipe(sock)},
 *       backpressure included); {@code sink} discards and ends when the peer ends;
 *       {@code source} writes {@code --bytes} in {@code --chunk} writes honouring
 *       backpressure ({@link SourcePump}), then ends.</li>
 *   <li>{@code READ=raw} (environment; default {@code data}): in {@code sink} and {@code source}
 *       modes, read what the client sends with a borrowed raw reader
 *       ({@link TlsSocket#setRawReader}: the loop's plaintext buffer, no chunk per read) instead
 *       of a {@code 'data'} listener (one heap chunk per read, as Node's Buffers); the socket is
 *       ended at {@code 'end'} either way.</li>
 *   <li>{@code --tickets off}: {@code secureOptions = SSL_OP_NO_TICKET}; {@code --idcache on}:
 *       the server's {@code newSession}/{@code resumeSession} events on a bounded in-memory
 *       map ({@link SessionIdCache}): TLS 1.2 session ids, and with {@code --tickets off} TLS 1.3
 *       stateful tickets, as server-node.js.</li>
 *   <li>One event loop per available processor (the harness pins the process to one CPU:
 *       one loop, like Node's one thread).</li>
 *   <li>Ends after {@code --lifetime} seconds; SIGTERM ends the JVM (its default).</li>
 * </ul>
 */
public final class BenchServer {
    /** server-node.js listens with backlog 1024. */
    private static final int BACKLOG = 1024;

    private BenchServer() {}

    public static void main(String[] args) throws Exception {
        BenchOptions opt;
        try {
            opt = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench-server: " + e.getMessage());
            System.exit(2);
            return;
        }
        String read = System.getenv().getOrDefault("READ", "data");
        if (!read.equals("data") && !read.equals("raw")) {
            System.err.println("bench-server: READ must be data or raw");
            System.exit(2);
            return;
        }
        rawRead = read.equals("raw");
        String certsDir = System.getenv("CERTS_DIR");
        Path certDir = Path.of(certsDir == null || certsDir.isEmpty() ? "certs" : certsDir);
        TlsServer server = create(opt, certDir, new EventLoopGroup("bench-loop", Runtime.getRuntime().availableProcessors()));
        server.on(EventEmitter.ERROR, error -> {
            System.err.println("server error: " + error.getMessage());
            System.exit(1);
        });
        if (NativeCallCounts.ENABLED) {
            Runtime.getRuntime().addShutdownHook(new Thread(BenchServer::printNativeCalls));
        }
        server.listen(opt.port(), opt.host(), BACKLOG, () -> {
            NativeCallCounts.reset(); // count the connections only, not the context's build
            loopAllocatedAtListen = loopAllocatedBytes();
            System.out.println("listening " + server.address().port());
            System.out.flush();
        });

        // Keeps the process bounded even if orphaned (the loops are daemon threads).
        Thread.sleep((long) (opt.lifetimeSeconds() * 1000));
        System.exit(0);
    }

    private static volatile long loopAllocatedAtListen;
    /** {@code READ=raw}: sink and source read with a raw reader instead of 'data'. */
    static volatile boolean rawRead;

    /** Heap bytes allocated so far by the event-loop threads (HotSpot's per-thread counter). */
    private static long loopAllocatedBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("bench-loop")) {
                sum += threads.getThreadAllocatedBytes(t.threadId());
            }
        }
        return sum;
    }

    /**
     * With {@code -Djtls.countNativeCalls=true}: the FFM transitions since the server listened,
     * per function and per connection ({@code SSL_new} counts the connections), on stderr.
     */
    private static void printNativeCalls() {
        Map<String, Long> calls = NativeCallCounts.snapshot();
        long connections = Math.max(1, calls.getOrDefault("SSL_new", 0L));
        long total = calls.values().stream().mapToLong(Long::longValue).sum();
        long allocated = loopAllocatedBytes() - loopAllocatedAtListen;
        StringBuilder out = new StringBuilder(String.format(
                "loop threads allocated: %d bytes, %.0f per connection%nnative calls: %d connections, %.1f per connection%n",
                allocated, (double) allocated / connections, connections, (double) total / connections));
        calls.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> out.append(String.format("  %8.2f  %s%n", (double) e.getValue() / connections, e.getKey())));
        System.err.print(out);
        System.err.flush();
    }

    /**
     * The server {@code main} listens with: server-node.js's options on {@code group}, the key
     * and certificate {@code server-<cert>.{key,crt}} from {@code certDir}, its
     * {@code 'secureConnection'} behaviour, and the {@code --idcache} listeners. Not listening yet.
     */
    static TlsServer create(BenchOptions opt, Path certDir, EventLoopGroup group) throws IOException {
        TlsServerOptions.Builder options = TlsServerOptions.builder()
                .key(Files.readAllBytes(certDir.resolve("server-" + opt.cert() + ".key")))
                .cert(Files.readAllBytes(certDir.resolve("server-" + opt.cert() + ".crt")))
                .minVersion(opt.minVersion())
                .maxVersion(opt.maxVersion())
                .group(group);
        if (!opt.ciphers().isEmpty()) options.ciphers(opt.ciphers());
        if (!opt.tickets()) options.secureOptions(Constants.SSL_OP_NO_TICKET);

        ByteBuffer chunk = SourcePump.chunkOf(opt.chunk());
        TlsServer server = Tls.createServer(options.build(), socket -> serve(socket, opt, chunk));
        if (opt.idCache()) SessionIdCache.install(server);
        server.on(TlsServer.TLS_CLIENT_ERROR, (error, socket) -> {}); // s_time closing abruptly, port probes
        return server;
    }

    /** Reads and drops what the client sends, then ends at its end: with 'data', or borrowed ({@code READ=raw}). */
    private static void discard(TlsSocket socket) {
        if (rawRead) {
            socket.setRawReader(data -> data.position(data.limit()));
        } else {
            socket.on(Duplex.DATA, data -> {});
        }
        socket.on(Duplex.END, socket::end); // the raw reader leaves the end to the program: ended here as with 'data'
    }

    /** server-node.js's 'secureConnection' listener. */
    private static void serve(TlsSocket socket, BenchOptions opt, ByteBuffer chunk) {
        socket.on(EventEmitter.ERROR, error -> {});
        switch (opt.mode()) {
            case ECHO -> socket.pipe(socket);
            case SINK -> discard(socket);
            case SOURCE -> {
                discard(socket);
                SourcePump.start(socket, chunk, opt.bytes());
            }
        }
    }
}
