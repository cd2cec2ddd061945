package io.jtls.blocking;

import io.jtls.Tls;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.TlsSocket;
import io.jtls.net.AddressInfo;
import io.jtls.net.EventEmitter;
import io.jtls.net.Server;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * A {@link TlsServer} with a blocking accept loop: {@link #accept()} returns the next connection
 * that is secure (and, with {@code requestCert}, whose client passed verification under
 * {@code rejectUnauthorized}) as {@link BlockingStreams}. {@link #serve} runs the loop itself, one
 * virtual thread per connection.
 *
 * <pre>{@code
 * try (BlockingTlsServer server = new BlockingTlsServer(options).listen(8443, null)) {
 *     server.serve(connection -> connection.input().transferTo(connection.output()));
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Threading: never block a loop thread.</b> {@code listen}, {@code accept} and the streams'
 * {@code read}/{@code write} throw {@link IllegalStateException} on an event-loop thread; call them
 * from threads of your own (the connections of {@link #serve} each get a virtual thread). Listeners
 * added to {@link #server()} run on the loop and must not block either.
 *
 * <p>Connections are half-open ({@code allowHalfOpen} is set): the peer's end is seen as end of
 * stream by {@code read}, and the connection stays writable until it is closed (by the handler's
 * return under {@link #serve}), as a {@code java.net.Socket} does.
 *
 * <p>Connections secured but not yet accepted wait in a queue (each pauses once it has buffered
 * its read limit); {@link #close()} stops listening and destroys those nobody accepted, while
 * accepted ones run on until they end (Node's {@code server.close()}).
 */
public final class BlockingTlsServer implements Closeable {
    private static final System.Logger LOG = System.getLogger("io.jtls.blocking");

    private final TlsServer server;
    private final int readLimit;
    private final LinkedBlockingQueue<Object> pending = new LinkedBlockingQueue<>();
    /** Queued after the last connection once the server is closed: accept() then fails. */
    private final Object closedMark = new Object();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile boolean closed;

    /**
     * A server for {@code options} (not yet listening), with {@link BlockingStreams#DEFAULT_READ_LIMIT}.
     *
     * @param options the options
     */
    public BlockingTlsServer(TlsServerOptions options) {
        this(options, BlockingStreams.DEFAULT_READ_LIMIT);
    }

    /**
     * A server for {@code options} (not yet listening) whose connections buffer up to
     * {@code readLimit} received bytes before they are paused.
     *
     * @param options the options
     * @param readLimit how many bytes the reader buffers at most
     * @throws io.jtls.error.TlsException when the secure context cannot be built from the options
     */
    public BlockingTlsServer(TlsServerOptions options, int readLimit) {
        if (readLimit < 1) throw new IllegalArgumentException("readLimit must be at least 1: " + readLimit);
        this.readLimit = readLimit;
        // The view is made in 'secureConnection', on the loop, before any byte can be delivered.
        // Half-open: the view buffers what arrives, so the peer's end reaches the socket before
        // the handler has read (and answered) the bytes ahead of it. Node's automatic end at the
        // peer's end would then cut off those answers; here the connection ends when the handler
        // closes it (as a java.net.Socket stays writable after the peer's FIN).
        this.server = Tls.createServer(halfOpen(options), this::secured);
        server.once(Server.CLOSE, () -> drained.complete(null));
    }

    /** {@code o} with {@code allowHalfOpen} true (the options record has no builder from a value). */
    private static TlsServerOptions halfOpen(TlsServerOptions o) {
        if (o.allowHalfOpen()) return o;
        return new TlsServerOptions(o.alpnProtocols(), o.handshakeTimeout(), o.rejectUnauthorized(), o.requestCert(),
                o.sniCallback(), o.contextOptions(), true, o.pauseOnConnect(), o.noDelay(), o.keepAlive(),
                o.keepAliveInitialDelay(), o.group(), o.sessionStore(), o.ticketKeyRing(), o.enableTrace(),
                o.pskCallback(), o.pskIdentityHint(), o.alpnCallback(), o.maxHandshakes(),
                o.halfCloseTimeout());
    }

    private void secured(TlsSocket socket) {
        BlockingStreams<TlsSocket> view = BlockingStreams.of(socket, readLimit);
        if (closed) {
            socket.destroy();
            return;
        }
        pending.add(view);
        if (closed && pending.remove(view)) socket.destroy(); // raced with close(): nobody will take it
    }

    /**
     * Listens on {@code port} ({@code 0}: any free port) of {@code host} (null: every address)
     * and returns once listening.
     *
     * @param port the port
     * @param host the host name or address
     * @return the blocking TLS server: listens on {@code port} ({@code 0}: any free port) of {@code host}
     *         (null: every address) and returns once listening
     * @throws TlsIOException when the server cannot listen (its cause is Node's error, e.g. {@code
     *                        EADDRINUSE})
     * @throws IllegalStateException on an event-loop thread (never block a loop thread)
     */
    public BlockingTlsServer listen(int port, String host) throws IOException {
        return listen(port, host, 511);
    }

    /**
     * {@link #listen(int, String)} with the listen {@code backlog}.
     *
     * @param port the port
     * @param host the host name or address
     * @param backlog the listen backlog
     * @return this server
     * @throws IOException when the I/O fails
     */
    public BlockingTlsServer listen(int port, String host, int backlog) throws IOException {
        LoopGuard.refuse("BlockingTlsServer.listen", server.loop());
        CompletableFuture<Void> listening = new CompletableFuture<>();
        Consumer<Throwable> onError = listening::completeExceptionally;
        server.once(EventEmitter.ERROR, onError);
        server.listen(port, host, backlog, () -> listening.complete(null));
        try {
            listening.get();
            return this;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while starting to listen");
        } catch (ExecutionException e) {
            throw TlsIOException.of(e.getCause());
        } finally {
            server.off(EventEmitter.ERROR, onError);
        }
    }

    /**
     * Waits for the next secure connection.
     *
     * @return the blocking streams: waits for the next secure connection
     * @throws SocketException once the server is closed (and every connection queued before was taken)
     * @throws InterruptedIOException when the waiting thread is interrupted
     * @throws IllegalStateException on an event-loop thread (never block a loop thread)
     */
    @SuppressWarnings("unchecked")
    public BlockingStreams<TlsSocket> accept() throws IOException {
        LoopGuard.refuse("BlockingTlsServer.accept", server.loop());
        Object next;
        try {
            next = pending.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while accepting");
        }
        if (next == closedMark) {
            pending.add(closedMark); // for every other thread blocked in accept()
            throw new SocketException("server closed");
        }
        return (BlockingStreams<TlsSocket>) next;
    }

    /** What {@link #serve} runs for each connection, on the connection's own virtual thread. */
    @FunctionalInterface
    public interface Handler {
        /**
         * Serves one connection; it is ended ({@code close()}) on return and destroyed if this throws.
         *
         * @param connection the connection
         * @throws Exception when it fails
         */
        void handle(BlockingStreams<TlsSocket> connection) throws Exception;
    }

    /**
     * Runs the accept loop on a virtual thread, starting a virtual thread per connection that
     * runs {@code handler}: a handler that blocks or sleeps delays only its own connection. The
     * loop stops when the server is closed. Returns the accept loop's thread.
     *
     * @param handler the handler
     * @return the accept loop's thread
     */
    public Thread serve(Handler handler) {
        java.util.Objects.requireNonNull(handler, "handler");
        return Thread.ofVirtual().name("jtls-accept-", 0).start(() -> {
            while (true) {
                BlockingStreams<TlsSocket> connection;
                try {
                    connection = accept();
                } catch (IOException e) {
                    return; // closed or interrupted
                }
                Thread.ofVirtual().start(() -> run(handler, connection));
            }
        });
    }

    private static void run(Handler handler, BlockingStreams<TlsSocket> connection) {
        try {
            handler.handle(connection);
            connection.close();
        } catch (Throwable e) {
            // One line, as for the loop's own unhandled errors; the stack trace only at DEBUG.
            String peer = connection.stream().remoteAddress() + ":" + connection.stream().remotePort();
            LOG.log(Level.WARNING, "connection handler for " + peer + " failed: " + e);
            LOG.log(Level.DEBUG, "connection handler failure", e);
            connection.destroy();
        }
    }

    /**
     * The underlying server: its address, options, events (listeners there run on the loop: never block).
     *
     * @return the underlying server: its address, options, events (listeners there run on the loop: never
     *         block)
     */
    public TlsServer server() {
        return server;
    }

    /**
     * The bound address (Node's {@code server.address()}), null before listening.
     *
     * @return the bound address (Node's {@code server.address()}), null before listening
     */
    public AddressInfo address() {
        return server.address();
    }

    /**
     * Stops listening; connections not yet accepted are destroyed, accepted ones run on until
     * they end (then the server emits {@code 'close'}). {@link #accept()} fails from now on.
     * Does not wait.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        server.close();
        List<Object> unaccepted = new ArrayList<>();
        pending.drainTo(unaccepted);
        for (Object o : unaccepted) {
            if (o instanceof BlockingStreams<?> view) view.destroy();
        }
        pending.add(closedMark);
    }

    /**
     * Waits until the server has closed: {@link #close()} was called and every connection it
     * accepted has ended (Node's {@code 'close'}). With clients that stay connected this waits as
     * long as they do: end or destroy them first.
     *
     * @throws IllegalStateException on an event-loop thread (never block a loop thread)
     * @throws InterruptedIOException when the waiting thread is interrupted
     */
    public void awaitClosed() throws InterruptedIOException {
        LoopGuard.refuse("BlockingTlsServer.awaitClosed", server.loop());
        try {
            drained.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the server to close");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause()); // never completed exceptionally
        }
    }
}
