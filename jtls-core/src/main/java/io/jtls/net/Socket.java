package io.jtls.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Node's {@code net.Socket}: a TCP or Unix-domain connection as a {@link Duplex}, driven by one
 * {@link EventLoop}.
     *
 * <p>Events, in Node's order: {@link #CONNECT} then {@link #READY} once connected; {@link #DATA}
 * (or {@link #TEXT}); {@link #END} when the peer half-closes; {@link #FINISH}; {@link #TIMEOUT}
 * after {@link #setTimeout idle time}; {@link #DRAIN}; {@link #ERROR} then {@link #CLOSE}.
 * Connection failures carry Node's codes ({@link NetException}: {@code connect ECONNREFUSED
 * 127.0.0.1:1}).
     *
 * <p>Memory: an idle socket holds its channel, its selection key, its listeners and a few
 * fields. Reads land in the loop's shared buffer; a write queue exists only once the kernel
 * refused bytes, and holds the writers' buffers, not copies.
 */
public class Socket extends Duplex {
    /** {@code 'connect'}: the connection is established. */
    public static final Signal CONNECT = new Signal("connect");
    /** {@code 'ready'}: emitted right after {@code 'connect'}. */
    public static final Signal READY = new Signal("ready");
    /** {@code 'timeout'}: idle for the time given to {@link #setTimeout}; the socket stays open. */
    public static final Signal TIMEOUT = new Signal("timeout");

    /** What one readiness event may read before the loop serves its other channels. */
    private static final int MAX_READS_PER_EVENT = 16;
    private static final int MAX_BYTES_PER_EVENT = 1 << 20;

    private final Server server; // the server that accepted this socket, or null
    private SocketChannel channel;
    private SelectionKey key;
    private int interestOps;
    private boolean connecting;
    private ConnectAttempt attempt; // only while connecting
    private WriteQueue writeQueue;   // only once the kernel pushed back
    private boolean endRequested;
    private boolean outputShut;
    private boolean resetting;       // SO_LINGER 0 set by resetAndDestroy: the close sends RST
    private boolean channelReleased; // handed to the loop to close (closeChannel)
    private SocketAddress localAddress;
    private SocketAddress remoteAddress;
    private long bytesRead;
    private long bytesWritten;
    // Options set before the connection exists, applied once it does.
    private boolean noDelay;
    private boolean keepAlive;
    private int keepAliveIdleSeconds;
    // Idle timeout: one timer, re-armed lazily from lastActive instead of on every I/O.
    private long idleTimeoutNanos;
    private long lastActive;
    private Timer idleTimer;
    /** ServerOptions.halfCloseTimeout of an accepted socket, or null; and its timer once this side ended. */
    private Duration halfCloseTimeout;
    private Timer halfCloseTimer;
    // Node's liveness: from connect() (or accept) until 'close' unless unref()'d.
    private final Liveness.Handle liveness = new Liveness.Handle(loop.liveness(), true);

    /** A socket on the default group's next loop, not yet connected (Node's {@code new net.Socket()}). */
    public Socket() {
        this(EventLoopGroup.defaultGroup().next(), false);
    }

    /**
     * A socket on {@code loop}, not yet connected.
     *
     * @param loop the event loop
     * @param allowHalfOpen true to keep the writable side open after the peer's end
     */
    public Socket(EventLoop loop, boolean allowHalfOpen) {
        super(loop, allowHalfOpen);
        this.server = null;
    }

    /** An accepted connection; call on {@code loop}'s thread. */
    Socket(EventLoop loop, SocketChannel channel, Server server, ServerOptions options) throws IOException {
        super(loop, options.allowHalfOpen());
        this.server = server;
        this.channel = channel;
        channel.configureBlocking(false);
        noDelay = options.noDelay();
        keepAlive = options.keepAlive();
        keepAliveIdleSeconds = seconds(options.keepAliveInitialDelay());
        halfCloseTimeout = options.halfCloseTimeout();
        if (options.pauseOnConnect()) {
            pause();
            stopReadAhead();
        }
        // An accepted socket inherits the listener's options, which jtls leaves at the kernel's
        // defaults (no TCP_NODELAY, no SO_KEEPALIVE): setting them off again is two syscalls
        // per connection for nothing.
        if (noDelay || keepAlive) applyOptions();
        rememberAddresses();
        key = loop.register(channel, 0, this);
        updateInterest();
        liveness.activate();
    }

    // ---------------------------------------------------------------- connecting

    /**
     * Connects to {@code host:port}; {@code onConnect} (may be null) becomes a {@code 'connect'} listener.
     *
     * @param port the port
     * @param host the host name or address
     * @param onConnect called on 'connect'
     * @return this socket
     */
    public Socket connect(int port, String host, Runnable onConnect) {
        return connect(ConnectOptions.builder().port(port).host(host).build(), onConnect);
    }

    /**
     * Connects to {@code localhost:port}.
     *
     * @param port the port
     * @return this socket
     */
    public Socket connect(int port) {
        return connect(port, null, null);
    }

    /**
     * Connects to the Unix-domain socket at {@code path}.
     *
     * @param path the path
     * @param onConnect called on 'connect'
     * @return this socket
     */
    public Socket connect(Path path, Runnable onConnect) {
        return connect(ConnectOptions.builder().path(path).build(), onConnect);
    }

    /**
     * Connects as {@code options} say (Node's {@code socket.connect(options[, connectListener])}).
     *
     * <p>Unlike Node's single thread, the loop starts at once and may connect (or fail) before a
     * call on another thread returns: add {@code 'error'}/{@code 'close'} listeners before this
     * call, and pass {@code onConnect} here rather than adding a {@code 'connect'} listener after.
     * No {@code 'data'} can be missed: what arrives before someone listens or resumes waits in the
     * socket (read ahead up to the high-water mark, as Node's readable buffer).
     *
     * @param options the options
     * @param onConnect called on 'connect'
     * @return this socket
     */
    public Socket connect(ConnectOptions options, Runnable onConnect) {
        if (onConnect != null) once(CONNECT, onConnect);
        liveness.activate(); // on the caller's thread: main may return before the loop starts connecting
        loop.run(() -> startConnect(options));
        return this;
    }

    /**
     * {@link #connect(ConnectOptions, Runnable)} with a future: completes with this socket at
     * {@code 'connect'}, or exceptionally with the error the socket is destroyed with (also
     * emitted as {@code 'error'}).
     *
     * @param options the options
     * @return {@link #connect(ConnectOptions, Runnable)} with a future: completes with this socket at {@code
     *         'connect'}, or exceptionally with the error the socket is destroyed with (also emitted as
     *         {@code 'error'})
     */
    public CompletableFuture<Socket> connectAsync(ConnectOptions options) {
        CompletableFuture<Socket> result = new CompletableFuture<>();
        // This 'error' listener is the future's: it goes once connected, so later errors are
        // again the application's (or logged as unhandled).
        Consumer<Throwable> failed = result::completeExceptionally;
        on(ERROR, failed);
        once(CLOSE, hadError -> result.completeExceptionally(
                new NetException("ERR_SOCKET_CLOSED", "Socket is closed")));
        connect(options, () -> {
            off(ERROR, failed);
            result.complete(this);
        });
        return result;
    }

    /**
     * Node's {@code socket.ref()}: an open or connecting socket keeps the JVM running (the default).
     *
     * @return this socket
     */
    public Socket ref() {
        liveness.ref();
        return this;
    }

    /**
     * Node's {@code socket.unref()}: this socket alone no longer keeps the JVM running.
     *
     * @return this socket
     */
    public Socket unref() {
        liveness.unref();
        return this;
    }

    /**
     * Node's liveness reference: true unless {@link #unref()} was called last.
     *
     * @return Node's liveness reference: true unless {@link #unref()} was called last
     */
    public boolean hasRef() {
        return liveness.hasRef();
    }

    @Override
    protected void afterClose() {
        liveness.deactivate();
    }

    private void startConnect(ConnectOptions options) {
        if (destroyed()) {
            liveness.deactivate(); // its 'close' may have passed before connect() counted it
            return;
        }
        if (channel != null || connecting) {
            destroy(new NetException("ERR_SOCKET_CONNECTING", "Socket is already connected or connecting"));
            return;
        }
        connecting = true;
        useOnRead(options.onread());
        noDelay |= options.noDelay();
        keepAlive |= options.keepAlive();
        if (options.keepAliveInitialDelay() != null) keepAliveIdleSeconds = seconds(options.keepAliveInitialDelay());
        if (options.timeout() != null) setTimeout(options.timeout().toMillis(), null);
        attempt = new ConnectAttempt(options);
        if (options.path() != null) {
            attempt.tryNext(List.of());
            return;
        }
        String host = options.host() == null ? "localhost" : options.host();
        InetAddress literal = literal(host);
        if (literal != null) {
            attempt.tryNext(List.of(literal));
            return;
        }
        Lookup lookup = options.lookup() == null ? Lookup.SYSTEM : options.lookup();
        Thread.ofVirtual().name("jtls-lookup").start(() -> {
            List<InetAddress> addresses;
            try {
                addresses = lookup.lookup(host);
            } catch (Exception e) {
                loop.execute(() -> destroy(Errno.notFound(host, e)));
                return;
            }
            if (addresses == null || addresses.isEmpty()) {
                loop.execute(() -> destroy(Errno.notFound(host, null)));
            } else {
                loop.execute(() -> attempt.tryNext(List.copyOf(addresses)));
            }
        });
    }

    /** The addresses of one connect call, tried in order until one answers. */
    private final class ConnectAttempt {
        private final ConnectOptions options;
        private List<InetAddress> addresses;
        private int next;
        private SocketAddress target;

        ConnectAttempt(ConnectOptions options) {
            this.options = options;
        }

        void tryNext(List<InetAddress> resolved) {
            if (destroyed()) return;
            addresses = resolved;
            openAndConnect();
        }

        private void openAndConnect() {
            ProtocolFamily family;
            if (options.path() != null) {
                target = UnixDomainSocketAddress.of(options.path());
                family = StandardProtocolFamily.UNIX;
            } else {
                InetAddress address = addresses.get(next++);
                target = new InetSocketAddress(address, options.port());
                family = address instanceof java.net.Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
            }
            try {
                channel = SocketChannel.open(family);
                channelReleased = false; // a new channel after a failed attempt's
                channel.configureBlocking(false);
                if (options.localAddress() != null || options.localPort() != 0) {
                    channel.bind(new InetSocketAddress(options.localAddress(), options.localPort()));
                }
                boolean connected = channel.connect(target);
                key = loop.register(channel, connected ? 0 : SelectionKey.OP_CONNECT, Socket.this);
                interestOps = connected ? 0 : SelectionKey.OP_CONNECT;
                if (connected) connected();
            } catch (IOException e) {
                failed(e);
            }
        }

        void finish() {
            try {
                if (channel.finishConnect()) connected();
            } catch (IOException e) {
                failed(e);
            }
        }

        private void failed(IOException e) {
            closeChannel();
            if (addresses != null && next < addresses.size()) {
                openAndConnect();
                return;
            }
            String address = target instanceof InetSocketAddress inet ? AddressInfo.text(inet.getAddress())
                    : options.path() == null ? null : options.path().toString();
            destroy(Errno.exception(e, "connect", address, options.path() == null ? options.port() : -1));
        }
    }

    private void connected() {
        connecting = false;
        attempt = null;
        try {
            applyOptions();
        } catch (IOException e) {
            destroy(Errno.exception(e, "setsockopt", null, -1));
            return;
        }
        rememberAddresses();
        touch();
        updateInterest();
        emit(CONNECT);
        emit(READY);
        if (!destroyed()) flush();
    }

    // ---------------------------------------------------------------- reading

    /** The loop found the channel ready. */
    void ioReady(SelectionKey readyKey) {
        if (destroyed()) return;
        int ready = readyKey.readyOps();
        if (connecting) {
            if ((ready & SelectionKey.OP_CONNECT) != 0) attempt.finish();
            return;
        }
        if ((ready & SelectionKey.OP_WRITE) != 0) flush();
        if ((ready & SelectionKey.OP_READ) != 0 && !destroyed()) read();
    }

    private void read() {
        ByteBuffer shared = loop.readBuffer();
        long readThisEvent = 0;
        for (int i = 0; i < MAX_READS_PER_EVENT && readThisEvent < MAX_BYTES_PER_EVENT && isReadAheadWanted(); i++) {
            ByteBuffer buffer = readTarget(shared.clear()); // an onread direct buffer is read into itself
            if (!isReadingWanted()) { // reading ahead: no further than the high-water mark
                buffer.limit((int) Math.min(buffer.limit(), DEFAULT_HIGH_WATER_MARK - readableLength()));
            }
            int room = buffer.remaining();
            int n;
            try {
                n = channel.read(buffer);
            } catch (IOException e) {
                destroy(Errno.exception(e, "read", null, -1));
                return;
            }
            if (n < 0) {
                pushEnd();
                updateInterest();
                return;
            }
            if (n == 0) return;
            bytesRead += n;
            readThisEvent += n;
            touch();
            buffer.flip();
            boolean more = push(buffer);
            if (!more || n < room) break; // a short read means the kernel buffer is empty
        }
        if (!destroyed()) updateInterest();
    }

    @Override
    protected void readStart() {
        updateInterest();
    }

    @Override
    protected void readStop() {
        updateInterest();
    }

    // ---------------------------------------------------------------- writing

    @Override
    protected void writeChunk(ByteBuffer chunk, Consumer<Throwable> callback) {
        if (canWriteNow()) {
            if (!writeDirect(chunk)) return;
            if (!chunk.hasRemaining()) {
                callLater(callback, null);
                return;
            }
        }
        queue().add(chunk, callback);
        updateInterest();
    }

    @Override
    protected void writeBorrowedChunk(ByteBuffer chunk) {
        if (canWriteNow() && (!writeDirect(chunk) || !chunk.hasRemaining())) return;
        queue().add(copy(chunk), null);
        updateInterest();
    }

    private boolean canWriteNow() {
        return channel != null && !connecting && (writeQueue == null || writeQueue.isEmpty());
    }

    /** One write straight from the caller's buffer; false if the socket failed. */
    private boolean writeDirect(ByteBuffer chunk) {
        try {
            int n = channel.write(chunk);
            bytesWritten += n;
            flushed(n);
            if (n > 0) touch();
            return true;
        } catch (IOException e) {
            destroy(Errno.exception(e, "write", null, -1));
            return false;
        }
    }

    private WriteQueue queue() {
        if (writeQueue == null) writeQueue = new WriteQueue();
        return writeQueue;
    }

    /** Writes what the queue holds, then the pending half-close if the queue is empty. */
    private void flush() {
        if (writeQueue != null && !writeQueue.isEmpty()) {
            long n;
            try {
                n = writeQueue.writeTo(channel, callback -> callLater(callback, null));
            } catch (IOException e) {
                destroy(Errno.exception(e, "write", null, -1));
                return;
            }
            bytesWritten += n;
            if (n > 0) touch();
            flushed(n);
        }
        if (destroyed()) return;
        shutdownOutputIfDone();
        updateInterest();
    }

    @Override
    protected void writeEnd() {
        endRequested = true;
        shutdownOutputIfDone();
    }

    private void shutdownOutputIfDone() {
        if (!endRequested || outputShut || !canWriteNow()) return;
        outputShut = true;
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            destroy(Errno.exception(e, "shutdown", null, -1));
            return;
        }
        finished();
        if (halfCloseTimeout != null && !readableEnded()) {
            // A peer that neither answers our end nor goes away would hold the connection for ever.
            halfCloseTimer = loop.schedule(halfCloseTimeout, () -> {
                if (!destroyed() && !readableEnded()) destroy();
            });
        }
    }

    // ---------------------------------------------------------------- closing

    @Override
    protected void destroyImpl(Throwable error) {
        if (idleTimer != null) idleTimer.cancel();
        idleTimer = null;
        if (halfCloseTimer != null) halfCloseTimer.cancel();
        halfCloseTimer = null;
        if (writeQueue != null && !writeQueue.isEmpty()) { // the exception only for writes it fails
            NetException dropped = new NetException("ERR_STREAM_DESTROYED", "Cannot call write after a stream was destroyed");
            writeQueue.clear(callback -> callLater(callback, error != null ? error : dropped));
        }
        writeQueue = null;
        closeChannel();
        if (server != null) server.connectionClosed(this);
        // liveness: released in afterClose(), once 'close' has been heard
    }

    /**
     * Closes the connection with a TCP RST instead of a FIN, then destroys the socket (Node's
     * {@code socket.resetAndDestroy()}); the peer sees {@code ECONNRESET}.
     *
     * @return this socket
     */
    public Socket resetAndDestroy() {
        loop.run(() -> {
            if (channel != null && !connecting && remoteAddress instanceof InetSocketAddress) {
                try {
                    channel.setOption(StandardSocketOptions.SO_LINGER, 0);
                    resetting = true;
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            destroy();
        });
        return this;
    }

    private void closeChannel() {
        SelectionKey registered = key;
        key = null;
        interestOps = 0;
        if (channel == null) return;
        if (registered == null) { // never registered: the JDK closes it at once
            try {
                channel.close();
            } catch (IOException ignored) {
                // the descriptor is released either way
            }
            return;
        }
        if (outputShut && !resetting && !sourceEnded()) discardUnreadInput(); // after EOF nothing is left unread
        registered.cancel();
        // The loop closes the descriptor once its selector has dropped the key, where the JDK's
        // deferred close would (EventLoop.closeWhenDeregistered). Until then the peer is told EOF
        // as the JDK does: the output is shut unless it already is (end()), the connection never
        // opened, or a reset was asked for (SO_LINGER 0: the close sends RST).
        if (!connecting && !outputShut && !resetting) {
            try {
                channel.shutdownOutput();
            } catch (IOException ignored) {
                // the peer went away: nothing to tell it
            }
        }
        channelReleased = true;
        loop.closeWhenDeregistered(channel);
    }

    /**
     * Reads and drops what the peer sent that nobody read, before a socket that already sent its
     * FIN closes. Closing with unread bytes in the kernel's receive queue makes Linux answer with
     * a reset instead of the orderly end, and a reset also throws away whatever this side had
     * written that the kernel has not delivered yet: the tail of an answer written just before
     * the close would be lost (seen with TLS inside TLS: the inner connection closed the outer one
     * while the peer's own close_notify and FIN, sent meanwhile, sat unread). Only after a
     * graceful end: {@code destroy()} without {@code end()} still resets a peer whose input was
     * not read, as in Node. Bounded (256 KiB), so a peer that keeps sending cannot hold the loop.
     */
    private void discardUnreadInput() {
        ByteBuffer scratch = loop.discardBuffer(); // never the read buffer: it may be lent up the stack
        try {
            for (int i = 0; i < MAX_READS_PER_EVENT; i++) {
                if (channel.read(scratch.clear()) <= 0) return;
            }
        } catch (IOException ignored) {
            // the peer reset or went away: nothing left to protect
        }
    }

    /** Sets the selector interest to what the socket needs now; loop thread only. */
    private void updateInterest() {
        if (key == null || !key.isValid()) return;
        int ops;
        if (connecting) {
            ops = SelectionKey.OP_CONNECT;
        } else {
            ops = isReadAheadWanted() ? SelectionKey.OP_READ : 0;
            if (writeQueue != null && !writeQueue.isEmpty()) ops |= SelectionKey.OP_WRITE;
        }
        if (ops != interestOps) {
            interestOps = ops;
            key.interestOps(ops);
        }
    }

    // ---------------------------------------------------------------- timeout and options

    /**
     * Emits {@link #TIMEOUT} after {@code millis} without reads or writes (0 disables);
     * {@code onTimeout}, if not null, becomes a one-time listener (removed when {@code millis} is 0).
     * The socket stays open: end or destroy it in the listener, as in Node.
     *
     * @param millis the time in milliseconds
     * @param onTimeout called on {@code 'timeout'}
     * @return this socket
     */
    public Socket setTimeout(long millis, Runnable onTimeout) {
        if (millis < 0) throw new io.jtls.error.TlsRangeException("ERR_OUT_OF_RANGE", "The value of \"msecs\" is out of range. Received " + millis);
        if (onTimeout != null) {
            if (millis == 0) off(TIMEOUT, onTimeout);
            else once(TIMEOUT, onTimeout);
        }
        loop.run(() -> {
            idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(millis);
            if (idleTimer != null) idleTimer.cancel();
            idleTimer = null;
            if (millis > 0 && !destroyed()) {
                lastActive = loop.nanoTime();
                idleTimer = loop.schedule(idleTimeoutNanos, TimeUnit.NANOSECONDS, this::idleCheck);
            }
        });
        return this;
    }

    /**
     * The idle timeout in milliseconds, 0 if none (Node's {@code socket.timeout}).
     *
     * @return the idle timeout in milliseconds, 0 if none (Node's {@code socket.timeout})
     */
    public long timeout() {
        return TimeUnit.NANOSECONDS.toMillis(idleTimeoutNanos);
    }

    private void touch() {
        if (idleTimeoutNanos == 0) return;
        lastActive = loop.nanoTime();
        if (idleTimer == null) idleTimer = loop.schedule(idleTimeoutNanos, TimeUnit.NANOSECONDS, this::idleCheck);
    }

    private void idleCheck() {
        idleTimer = null;
        if (destroyed() || idleTimeoutNanos == 0) return;
        long idle = loop.nanoTime() - lastActive;
        if (idle >= idleTimeoutNanos) {
            emit(TIMEOUT); // re-armed by the next read or write, as Node does
        } else {
            idleTimer = loop.schedule(idleTimeoutNanos - idle, TimeUnit.NANOSECONDS, this::idleCheck);
        }
    }

    /**
     * Disables Nagle's algorithm (Node's {@code socket.setNoDelay([noDelay])}, default true).
     *
     * @param noDelay true to disable Nagle's algorithm
     * @return this socket
     */
    public Socket setNoDelay(boolean noDelay) {
        loop.run(() -> {
            this.noDelay = noDelay;
            applyOptionsQuietly();
        });
        return this;
    }

    /**
     * Disables Nagle's algorithm (Node's {@code socket.setNoDelay()}).
     *
     * @return this socket
     */
    public Socket setNoDelay() {
        return setNoDelay(true);
    }

    /**
     * Enables TCP keep-alive; {@code initialDelayMillis} > 0 sets the idle time before the first probe.
     *
     * @param enable true to enable
     * @param initialDelayMillis the initial delay millis
     * @return this socket
     */
    public Socket setKeepAlive(boolean enable, long initialDelayMillis) {
        loop.run(() -> {
            keepAlive = enable;
            if (initialDelayMillis > 0) keepAliveIdleSeconds = (int) Math.max(1, initialDelayMillis / 1000);
            applyOptionsQuietly();
        });
        return this;
    }

    private void applyOptionsQuietly() {
        try {
            applyOptions();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "socket option not applied", e);
        }
    }

    @SuppressWarnings("unchecked")
    private void applyOptions() throws IOException {
        if (channel == null || connecting || channelReleased || !channel.isOpen()) return;
        if (!channel.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY)) return; // Unix domain
        channel.setOption(StandardSocketOptions.TCP_NODELAY, noDelay);
        channel.setOption(StandardSocketOptions.SO_KEEPALIVE, keepAlive);
        if (keepAlive && keepAliveIdleSeconds > 0) {
            // jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE, found by name so that jtls needs no jdk.net module
            for (SocketOption<?> option : channel.supportedOptions()) {
                if (option.name().equals("TCP_KEEPIDLE")) channel.setOption((SocketOption<Integer>) option, keepAliveIdleSeconds);
            }
        }
    }

    private static int seconds(Duration duration) {
        return duration == null ? 0 : (int) Math.max(1, duration.toSeconds());
    }

    // ---------------------------------------------------------------- addresses and counters

    private void rememberAddresses() {
        try {
            localAddress = channel.getLocalAddress();
            remoteAddress = channel.getRemoteAddress();
        } catch (IOException e) {
            // closed already: leave them unknown
        }
    }

    /**
     * Bytes received (Node's {@code socket.bytesRead}).
     *
     * @return the long: bytes received (Node's {@code socket.bytesRead})
     */
    public long bytesRead() {
        return bytesRead;
    }

    /**
     * Bytes sent to the kernel (Node's {@code socket.bytesWritten}, which also counts queued bytes).
     *
     * @return the long: bytes sent to the kernel (Node's {@code socket.bytesWritten}, which also counts
     *         queued bytes)
     */
    public long bytesWritten() {
        return bytesWritten;
    }

    /**
     * True until connected: not yet connecting, or connecting (Node's {@code socket.pending}).
     *
     * @return true until connected: not yet connecting, or connecting (Node's {@code socket.pending})
     */
    public boolean pending() {
        return channel == null || connecting;
    }

    /**
     * True while connecting (Node's {@code socket.connecting}).
     *
     * @return true while connecting (Node's {@code socket.connecting})
     */
    public boolean connecting() {
        return connecting;
    }

    /**
     * Node's {@code socket.address()}: the local address, or null before connecting.
     *
     * @return Node's {@code socket.address()}: the local address, or null before connecting
     */
    public AddressInfo address() {
        return AddressInfo.of(localAddress);
    }

    /**
     * The peer's IP address text, or null (not connected, or a Unix-domain socket).
     *
     * @return the peer's IP address text, or null (not connected, or a Unix-domain socket)
     */
    public String remoteAddress() {
        return remoteAddress instanceof InetSocketAddress inet ? AddressInfo.text(inet.getAddress()) : null;
    }

    /**
     * The peer's port, or -1.
     *
     * @return the peer's port, or -1
     */
    public int remotePort() {
        return remoteAddress instanceof InetSocketAddress inet ? inet.getPort() : -1;
    }

    /**
     * {@code "IPv4"} or {@code "IPv6"}, or null.
     *
     * @return {@code "IPv4"} or {@code "IPv6"}, or null
     */
    public String remoteFamily() {
        return remoteAddress instanceof InetSocketAddress inet ? AddressInfo.family(inet) : null;
    }

    /**
     * The local IP address text, or null (not connected, or a Unix-domain socket).
     *
     * @return the local IP address text, or null (not connected, or a Unix-domain socket)
     */
    public String localAddress() {
        return localAddress instanceof InetSocketAddress inet ? AddressInfo.text(inet.getAddress()) : null;
    }

    /**
     * The local port, or -1.
     *
     * @return the local port, or -1
     */
    public int localPort() {
        return localAddress instanceof InetSocketAddress inet ? inet.getPort() : -1;
    }

    /**
     * {@code "IPv4"} or {@code "IPv6"}, or null.
     *
     * @return {@code "IPv4"} or {@code "IPv6"}, or null
     */
    public String localFamily() {
        return localAddress instanceof InetSocketAddress inet ? AddressInfo.family(inet) : null;
    }

    @Override
    protected String describe() {
        return "Socket[" + (remoteAddress != null ? remoteAddress : "unconnected") + "]";
    }

    /** The IP address {@code host} spells, or null if it is a name. */
    private static InetAddress literal(String host) {
        try {
            return InetAddress.ofLiteral(host);
        } catch (IllegalArgumentException notLiteral) {
            return null;
        }
    }

    // Node's emitter methods, returning this Socket so that calls chain on the receiver's own type.

    @Override
    public <L> Socket on(EventKey<L> key, L listener) {
        super.on(key, listener);
        return this;
    }

    @Override
    public <L> Socket once(EventKey<L> key, L listener) {
        super.once(key, listener);
        return this;
    }

    @Override
    public <L> Socket off(EventKey<L> key, L listener) {
        super.off(key, listener);
        return this;
    }
}
