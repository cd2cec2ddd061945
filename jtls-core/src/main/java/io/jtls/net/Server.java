package io.jtls.net;

import io.jtls.internal.util.ThreadShardedMap;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Node's {@code net.Server}: listens on a TCP port or a Unix-domain path and emits a
 * {@link Socket} per accepted connection.
 *
 * <p>The listening socket lives on one loop of the server's group; accepted connections are
 * spread over the group's loops, round robin, and {@link #CONNECTION} is emitted on the loop of
 * the new connection, before it reads anything, so listeners added there see every byte.
 * {@link #LISTENING}, {@link #CLOSE} and listen errors are emitted on the server's loop.
 * With {@link ListenOptions#reusePort()} (TCP only) every loop of the group has a listening
 * socket of its own on the same port ({@code SO_REUSEPORT}), the kernel spreads the incoming
 * connections over them, and each connection is served on the loop that accepted it.
 *
 * <p>{@link #close()} stops accepting at once; {@code 'close'} follows when the last
 * connection has closed. A Unix-domain socket file is removed on close, as libuv does.
 * {@link #close(Duration)} also ends the open connections and destroys those still open at the
 * deadline. {@link #close()} is also {@link AutoCloseable}'s.
 *
 * <p>When {@code accept} fails because the process (EMFILE) or the system (ENFILE) has no
 * descriptor left, the server emits {@code 'error'} once (per listening socket, on its loop)
 * and pauses accepting, without spinning its loop: the waiting connections stay in the
 * kernel's backlog and are accepted as soon as one of the server's connections closes, or at
 * the latest after a retry delay that grows from 20 ms to 1 s while the shortage lasts. (Node
 * keeps a spare descriptor to accept and reset them instead.)
 *
 * <p>Liveness, as in Node: from {@code listen()} until {@code 'close'} the server keeps the JVM
 * running (a non-daemon thread exists) unless {@link #unref()} was called.
 *
 * <p>Futures beside the events: {@link #listenAsync(int, String)} completes when listening, or
 * exceptionally with the {@code 'error'} ({@code EADDRINUSE}, ...) that is emitted all the same;
 * {@link #closeAsync()} completes at {@code 'close'}.
 */
public class Server extends EventEmitter implements AutoCloseable {
    /** {@code 'listening'}: bound and accepting. */
    public static final Signal LISTENING = new Signal("listening");
    /** {@code 'connection'}: a new connection, already set up on its loop. */
    public static final Event<Socket> CONNECTION = new Event<>("connection");
    /** {@code 'close'}: closed and every connection has ended. */
    public static final Signal CLOSE = new Signal("close");

    private static final int DEFAULT_BACKLOG = ListenOptions.DEFAULT_BACKLOG;

    private final ServerOptions options;
    private final EventLoopGroup group;
    private final EventLoop loop;
    // Per connection, from every loop at once: nothing here is one word or one table all loops
    // write. The count is a LongAdder (striped per thread under contention; 'close' is decided by
    // its sum once no acceptor is left to add to it), the open streams a map sharded per loop.
    private final LongAdder connections = new LongAdder();
    private final Liveness.Handle liveness = new Liveness.Handle(Liveness.SHARED, true);
    /** Open connections, each with the stream close(Duration) ends (the TLS socket over a raw one). */
    private final ThreadShardedMap<Socket, Duplex> open = new ThreadShardedMap<>();
    private volatile SocketAddress requestedAddress; // for log lines before the bind
    /** The listening sockets, one, or one per loop with reusePort: written on the server's loop, read by any. */
    private volatile List<Acceptor> acceptors = List.of();
    // Loop-thread state.
    private int acceptorsClosing; // closed by close(), their descriptors not yet released
    private Path unixPath;
    private volatile SocketAddress boundAddress;
    private volatile boolean closing; // read by connectionClosed on any loop
    private boolean closeEmitted;
    private volatile Duration closingDeadline; // set by close(Duration) until 'close'

    /**
     * A server on the default group; {@code onConnection} (may be null) becomes a {@code 'connection'} listener.
     *
     * @param onConnection called on {@code 'connection'}
     */
    public Server(Consumer<Socket> onConnection) {
        this(ServerOptions.DEFAULTS, onConnection);
    }

    /**
     * A new {@code Server}.
     *
     * @param options the options
     * @param onConnection called on {@code 'connection'}
     */
    @SuppressWarnings("this-escape") // registering the listener touches only the emitter's own state
    public Server(ServerOptions options, Consumer<Socket> onConnection) {
        this.options = options;
        this.group = options.group() == null ? EventLoopGroup.defaultGroup() : options.group();
        this.loop = group.next();
        if (onConnection != null) on(CONNECTION, onConnection);
    }

    // ---------------------------------------------------------------- listening

    /**
     * Listens on {@code port} of every interface (0: a free port, see {@link #address()}).
     *
     * @param port the port
     * @return this server
     */
    public Server listen(int port) {
        return listen(port, null, DEFAULT_BACKLOG, null);
    }

    /**
     * Listens on {@code port} of every interface; {@code onListening} (may be null) hears {@code 'listening'}.
     *
     * @param port the port
     * @param onListening called on 'listening'
     * @return this server
     */
    public Server listen(int port, Runnable onListening) {
        return listen(port, null, DEFAULT_BACKLOG, onListening);
    }

    /**
     * The listen.
     *
     * @param port the port
     * @param host the host name or address
     * @param onListening called on 'listening'
     * @return this server
     */
    public Server listen(int port, String host, Runnable onListening) {
        return listen(port, host, DEFAULT_BACKLOG, onListening);
    }

    /**
     * Node's {@code server.listen(port[, host][, backlog][, callback])}: {@code host} null means
     * every interface (IPv6 and IPv4). The host name is resolved in the calling thread. Failures
     * ({@code EADDRINUSE}, {@code EACCES}) are emitted as {@code 'error'}.
     *
     * @param port the port
     * @param host the host name or address
     * @param backlog the listen backlog
     * @param onListening called on 'listening'
     * @return this server
     */
    public Server listen(int port, String host, int backlog, Runnable onListening) {
        listen(ListenOptions.builder().port(port).host(host).backlog(backlog).build(), onListening, null);
        return this;
    }

    /**
     * Node's {@code server.listen(options[, callback])}: on a TCP port or a Unix-domain path,
     * with a backlog and {@link ListenOptions#reusePort() reusePort}. Failures ({@code EADDRINUSE},
     * {@code EACCES}, {@code ENOTSUP} for a reusePort the platform lacks) are emitted as
     * {@code 'error'}.
     *
     * @param options where and how to listen
     * @param onListening called on 'listening' (may be null)
     * @return this server
     */
    public Server listen(ListenOptions options, Runnable onListening) {
        listen(options, onListening, null);
        return this;
    }

    /**
     * {@link #listen(ListenOptions, Runnable)} with a future: completes with the bound address at
     * {@code 'listening'}, or exceptionally with the {@link NetException} that is also emitted as
     * {@code 'error'}.
     *
     * @param options where and how to listen
     * @return a future that completes with the bound address at {@code 'listening'}
     */
    public CompletableFuture<AddressInfo> listenAsync(ListenOptions options) {
        CompletableFuture<AddressInfo> result = new CompletableFuture<>();
        listen(options, null, result);
        return result;
    }

    /**
     * {@link #listen(int, String, int, Runnable)} with a future: completes with the bound address
     * at {@code 'listening'}, or exceptionally with the {@link NetException} that is also emitted
     * as {@code 'error'} (Node's {@code EADDRINUSE} for a port in use). {@code host} null means
     * every interface.
     *
     * @param port the port
     * @param host the host name or address
     * @return {@link #listen(int, String, int, Runnable)} with a future: completes with the bound address at
     *         {@code 'listening'}, or exceptionally with the {@link NetException} that is also emitted as
     *         {@code 'error'} (Node's {@code EADDRINUSE} for a port in use)
     */
    public CompletableFuture<AddressInfo> listenAsync(int port, String host) {
        CompletableFuture<AddressInfo> result = new CompletableFuture<>();
        listen(ListenOptions.builder().port(port).host(host).build(), null, result);
        return result;
    }

    /**
     * {@link #listenAsync(int, String)} on every interface.
     *
     * @param port the port
     * @return {@link #listenAsync(int, String)} on every interface
     */
    public CompletableFuture<AddressInfo> listenAsync(int port) {
        return listenAsync(port, null);
    }

    private void listen(ListenOptions listen, Runnable onListening, CompletableFuture<AddressInfo> result) {
        if (onListening != null) once(LISTENING, onListening);
        liveness.activate(); // now, on the caller's thread: main may return before the bind runs
        SocketAddress address;
        if (listen.path() != null) {
            address = UnixDomainSocketAddress.of(listen.path());
        } else if (listen.host() == null) {
            address = new InetSocketAddress(listen.port());
        } else {
            try {
                address = new InetSocketAddress(InetAddress.getByName(listen.host()), listen.port());
            } catch (IOException e) {
                NetException error = Errno.notFound(listen.host(), e);
                loop.execute(() -> listenFailed(error, result));
                return;
            }
        }
        requestedAddress = address;
        // reusePort is for TCP: ignored on a Unix-domain path, as in Node.
        boolean reusePort = listen.reusePort() && listen.path() == null;
        loop.run(() -> bind(address, listen.backlog(), reusePort, result));
    }

    /**
     * Listens on the Unix-domain socket {@code path} (Node's {@code server.listen(path)}).
     *
     * @param path the path
     * @param onListening called on 'listening'
     * @return this server
     */
    public Server listen(Path path, Runnable onListening) {
        listen(ListenOptions.builder().path(path).build(), onListening, null);
        return this;
    }

    /**
     * Listens on the Unix-domain socket at {@code path}.
     *
     * @param path the path
     * @return this server
     */
    public Server listen(Path path) {
        return listen(path, null);
    }

    private void bind(SocketAddress address, int backlog, boolean reusePort, CompletableFuture<AddressInfo> result) {
        if (!acceptors.isEmpty()) {
            NetException error = new NetException("ERR_SERVER_ALREADY_LISTEN", "Listen method has been called more than once without closing.");
            if (result != null) result.completeExceptionally(error);
            emit(ERROR, error);
            return;
        }
        if (reusePort && !Acceptor.reusePortSupported()) {
            NetException error = Acceptor.reusePortUnsupported(address);
            emitLater(() -> listenFailed(error, result));
            return;
        }
        List<Acceptor> opened;
        try {
            opened = Acceptor.open(this, reusePort ? group.loops() : List.of(loop), loop, address, backlog, reusePort);
        } catch (IOException e) {
            NetException error = listenError(e, address);
            emitLater(() -> listenFailed(error, result));
            return;
        }
        liveness.activate(); // again: a failed earlier listen may have released it meanwhile
        acceptors = opened;
        for (Acceptor other : opened.subList(1, opened.size())) other.startOnItsLoop();
        closing = false;
        closeEmitted = false;
        unixPath = address instanceof UnixDomainSocketAddress unix ? unix.getPath() : null;
        try {
            boundAddress = opened.getFirst().localAddress();
        } catch (IOException e) {
            boundAddress = address;
        }
        emitLater(() -> {
            emit(LISTENING);
            if (result != null) result.complete(address());
        });
    }

    /**
     * A listen that failed: the future (if any) and {@code 'error'} both hear it; only then is
     * the JVM let go, so that an unheard error is logged before a {@code main} that returned can
     * end the process.
     */
    private void listenFailed(NetException error, CompletableFuture<AddressInfo> result) {
        if (result != null) result.completeExceptionally(error);
        emit(ERROR, error);
        if (acceptors.isEmpty()) liveness.deactivate();
    }

    private static NetException listenError(IOException e, SocketAddress address) {
        if (address instanceof UnixDomainSocketAddress unix) {
            return Errno.exception(e, "listen", unix.getPath().toString(), -1);
        }
        InetSocketAddress inet = (InetSocketAddress) address;
        String host = inet.getAddress().isAnyLocalAddress() ? "::" : AddressInfo.text(inet.getAddress());
        return Errno.exception(e, "listen", host, inet.getPort());
    }

    /**
     * An acceptor took a connection (on its loop): served right there on {@code here} (reusePort:
     * the kernel already chose the loop), or handed to the group's next loop when {@code here}
     * is null.
     */
    void accepted(SocketChannel accepted, EventLoop here) {
        connections.increment();
        if (here != null) {
            adopt(here, accepted);
            return;
        }
        EventLoop child = group.next();
        try {
            child.execute(() -> adopt(child, accepted));
        } catch (RejectedExecutionException e) {
            Acceptor.closeQuietly(accepted);
            connectionClosed(null);
        }
    }

    /** Sets up an accepted connection on its own loop and announces it. */
    private void adopt(EventLoop child, SocketChannel accepted) {
        Socket socket;
        try {
            socket = new Socket(child, accepted, this, options);
        } catch (IOException e) {
            Acceptor.closeQuietly(accepted);
            connectionClosed(null);
            return;
        }
        open.put(socket, socket);
        emit(CONNECTION, socket);
        if (closingDeadline != null) { // accepted just before a close(Duration): ended like the rest
            Duplex stream = open.get(socket);
            if (stream != null) stream.end();
        }
    }

    // ---------------------------------------------------------------- closing

    /**
     * Node's {@code server.close([callback])}: {@code callback} runs at {@code 'close'} with null,
     * or with {@code ERR_SERVER_NOT_RUNNING} if the server was not listening.
     *
     * @param callback called when done
     * @return this server
     */
    public Server close(Consumer<Throwable> callback) {
        loop.run(() -> {
            List<Acceptor> listening = acceptors;
            boolean wasListening = !listening.isEmpty();
            if (callback != null) {
                if (wasListening) once(CLOSE, () -> callback.accept(null));
                else once(CLOSE, () -> callback.accept(new NetException("ERR_SERVER_NOT_RUNNING", "Server is not running.")));
            }
            closing = true;
            if (wasListening) {
                acceptors = List.of();
                acceptorsClosing += listening.size();
                // Each socket closes on its own loop; 'close' waits until every descriptor is released.
                for (Acceptor acceptor : listening) acceptor.closeOnItsLoop(() -> loop.run(this::acceptorReleased));
                if (unixPath != null) {
                    try {
                        Files.deleteIfExists(unixPath);
                    } catch (IOException ignored) {
                        // someone else's now
                    }
                }
            }
            emitCloseIfDrained();
        });
        return this;
    }

    /**
     * Closes gracefully within {@code grace}: stops listening at once, {@code end()}s every open
     * connection (pending writes are flushed, then a FIN, for TLS a {@code close_notify}: a peer
     * that is idle closes its side and the connection ends), and destroys the connections still
     * open when {@code grace} has passed. The future completes at {@code 'close'}, which this
     * therefore reaches by the deadline even with idle clients that would keep a plain
     * {@link #close()} open forever.
     *
     * @param grace the grace
     * @return a future that completes when done: closes gracefully within {@code grace}: stops listening at
     *         once, {@code end()}s every open connection (pending writes are flushed, then a FIN, for TLS a
     *         {@code close_notify}: a peer that is idle closes its side and the connection ends), and
     *         destroys the connections still open when {@code grace} has passed
     */
    public CompletableFuture<Void> close(Duration grace) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        once(CLOSE, () -> result.complete(null));
        closingDeadline = grace;
        close();
        for (Duplex stream : open.values()) stream.end();
        Timer deadline = loop.schedule(grace, () -> open.values().forEach(Duplex::destroy));
        result.whenComplete((ignored, error) -> deadline.cancel());
        return result;
    }

    /**
     * Node's {@code server.close()} as a future: completes at {@code 'close'}.
     *
     * @return Node's {@code server.close()} as a future: completes at {@code 'close'}
     */
    public CompletableFuture<Void> closeAsync() {
        CompletableFuture<Void> result = new CompletableFuture<>();
        once(CLOSE, () -> result.complete(null));
        close();
        return result;
    }

    /**
     * Node's {@code server.close()}: stops accepting; {@code 'close'} follows once every
     * connection has closed. Does not wait (it is also {@link AutoCloseable#close()}, so a
     * try-with-resources block stops listening at its end); {@link #close(Duration)} returns a
     * future that also ends the open connections.
     */
    @Override
    public void close() {
        close((Consumer<Throwable>) null);
    }

    /**
     * Names the stream {@link #close(Duration)} ends for the raw connection {@code raw}: a TLS
     * server registers its {@code TlsSocket}, so that ending sends {@code close_notify}.
     *
     * @param raw the raw
     * @param stream the stream
     */
    protected void adoptStream(Socket raw, Duplex stream) {
        open.replace(raw, stream);
    }

    /**
     * Node's {@code server.ref()}: a listening server keeps the JVM running (the default).
     *
     * @return this server
     */
    public Server ref() {
        liveness.ref();
        return this;
    }

    /**
     * Node's {@code server.unref()}: a listening server no longer keeps the JVM running by itself.
     *
     * @return this server
     */
    public Server unref() {
        liveness.unref();
        return this;
    }

    /**
     * Node's {@code server.hasRef()}.
     *
     * @return Node's {@code server.hasRef()}
     */
    public boolean hasRef() {
        return liveness.hasRef();
    }

    /** A closed acceptor's descriptor is released (the server's loop). */
    private void acceptorReleased() {
        acceptorsClosing--;
        emitCloseIfDrained();
    }

    /** A connection of this server has closed (any loop); {@code socket} null if it never opened. */
    void connectionClosed(Socket socket) {
        if (socket != null) open.remove(socket);
        // A descriptor was freed: an acceptor paused for want of one may succeed now.
        for (Acceptor acceptor : acceptors) acceptor.connectionClosed();
        connections.decrement();
        // Only a closing server waits for its count to reach zero. closing is volatile and the
        // decrement a CAS: either this thread sees closing, or close()'s own check sees this decrement.
        if (closing) loop.execute(this::emitCloseIfDrained);
    }

    private void emitCloseIfDrained() {
        if (closing && acceptors.isEmpty() && acceptorsClosing == 0 && connections.sum() == 0 && !closeEmitted) {
            closeEmitted = true;
            boundAddress = null;
            closingDeadline = null;
            emitLater(() -> {
                emit(CLOSE);
                liveness.deactivate();
            });
        }
    }

    // ---------------------------------------------------------------- state

    /**
     * Node's {@code server.address()}: where the server listens, or null when it does not.
     *
     * @return Node's {@code server.address()}: where the server listens, or null when it does not
     */
    public AddressInfo address() {
        return AddressInfo.of(boundAddress);
    }

    /**
     * True while accepting (Node's {@code server.listening}).
     *
     * @return true while accepting (Node's {@code server.listening})
     */
    public boolean listening() {
        return boundAddress != null && !closing;
    }

    /**
     * The number of open connections, right now, from any thread.
     *
     * @return the number of open connections, right now, from any thread
     */
    public int connections() {
        return (int) connections.sum();
    }

    /**
     * Node's {@code server.getConnections(callback)}: {@code callback(null, count)} on the server's loop.
     *
     * @param callback called when done
     * @return this server
     */
    public Server getConnections(BiConsumer<Throwable, Integer> callback) {
        loop.execute(() -> callback.accept(null, (int) connections.sum()));
        return this;
    }

    /**
     * The loop the listening socket lives on (with reusePort, the first of them): where
     * {@code 'listening'}, {@code 'close'} and listen errors are emitted.
     *
     * @return the server's loop
     */
    public EventLoop loop() {
        return loop;
    }

    @Override
    protected String describe() {
        return "Server[" + where() + "]";
    }

    /**
     * For log lines: the bound address, else the one a {@code listen} asked for (so that an
     * unheard bind failure names it), else null.
     *
     * @return For log lines: the bound address, else the one a {@code listen} asked for (so that an unheard
     *         bind failure names it), else null
     */
    protected final String where() {
        SocketAddress where = boundAddress != null ? boundAddress : requestedAddress;
        return where == null ? null : where.toString();
    }

    private void emitLater(Runnable emission) {
        loop.execute(emission);
    }

    // Node's emitter methods, returning this Server so that calls chain on the receiver's own type.

    @Override
    public <L> Server on(EventKey<L> key, L listener) {
        super.on(key, listener);
        return this;
    }

    @Override
    public <L> Server once(EventKey<L> key, L listener) {
        super.once(key, listener);
        return this;
    }

    @Override
    public <L> Server off(EventKey<L> key, L listener) {
        super.off(key, listener);
        return this;
    }
}
