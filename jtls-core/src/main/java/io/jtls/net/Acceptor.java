package io.jtls.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * One listening socket of a {@link Server} and its accept loop, on one {@link EventLoop}: a
 * server has one, or with {@link ListenOptions#reusePort()} one per loop of its group. Every
 * field but {@link #acceptPaused} is touched only by the acceptor's loop.
 *
 * <p>When {@code accept} fails because the process (EMFILE) or the system (ENFILE) has no
 * descriptor left, accepting pauses instead of spinning the loop: the connection stays in the
 * kernel's backlog, so the socket stays readable. It resumes when one of the server's
 * connections closes, or at the latest after a retry delay that grows from 20 ms to 1 s while
 * the shortage lasts; {@code 'error'} is emitted once per shortage, not per attempt.
 */
final class Acceptor {
    private static final int MAX_ACCEPTS_PER_EVENT = 64;
    /** First pause of accepting when descriptors run out; doubled on each failed retry, up to the maximum. */
    static final Duration ACCEPT_BACKOFF_MIN = Duration.ofMillis(20);
    static final Duration ACCEPT_BACKOFF_MAX = Duration.ofSeconds(1);
    /**
     * The classes the EMFILE path needs, loaded with this one: when it runs there may be no
     * descriptor left to open their class files (a failed resolution would stick for good).
     */
    private static final Errno NO_DESCRIPTOR = Errno.EMFILE;
    private static final Class<?>[] PRELOADED = {NetException.class, Timer.class};

    private final Server server;
    private final EventLoop loop;
    private final ServerSocketChannel channel;
    /** True with reusePort: connections are served on this loop; false: handed to the group's next loop. */
    private final boolean servesHere;
    // Loop-thread state.
    private SelectionKey key;
    private boolean closed;
    // Descriptor exhaustion: accepting paused until the retry timer or a closed connection.
    private Timer acceptRetry;
    private Duration acceptBackoff;
    private volatile boolean acceptPaused; // read by connectionClosed on any loop

    Acceptor(Server server, EventLoop loop, ServerSocketChannel channel, boolean servesHere) {
        this.server = server;
        this.loop = loop;
        this.channel = channel;
        this.servesHere = servesHere;
    }

    /**
     * Opens and binds {@code count} listening sockets on {@code address}, non-blocking. With
     * {@code reusePort} each has {@code SO_REUSEPORT} set before its bind; the first bind picks
     * the port when {@code address} asks for port 0, and the others bind to that port. On a
     * failure the sockets opened so far are closed.
     */
    static List<ServerSocketChannel> open(SocketAddress address, int backlog, int count, boolean reusePort)
            throws IOException {
        List<ServerSocketChannel> opened = new ArrayList<>(count);
        try {
            SocketAddress target = address;
            for (int i = 0; i < count; i++) {
                ServerSocketChannel channel = address instanceof UnixDomainSocketAddress
                        ? ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                        : ServerSocketChannel.open();
                opened.add(channel);
                channel.configureBlocking(false);
                if (reusePort) channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                channel.bind(target, backlog);
                if (i == 0 && target instanceof InetSocketAddress inet && inet.getPort() == 0) {
                    int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
                    target = new InetSocketAddress(inet.getAddress(), port);
                }
            }
            return opened;
        } catch (IOException | RuntimeException e) {
            opened.forEach(Acceptor::closeQuietly);
            throw e;
        }
    }

    /** Whether this platform's server sockets take {@code SO_REUSEPORT} (Linux 3.9+, the BSDs). */
    static boolean reusePortSupported() {
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            return probe.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
        } catch (IOException e) {
            return false;
        }
    }

    EventLoop loop() {
        return loop;
    }

    ServerSocketChannel channel() {
        return channel;
    }

    /** Starts accepting: registers the socket with this acceptor's loop. Loop thread. */
    void register() throws IOException {
        if (closed) return;
        key = loop.register(channel, SelectionKey.OP_ACCEPT, this);
    }

    /** The loop found connections waiting. */
    void acceptReady() {
        for (int i = 0; i < MAX_ACCEPTS_PER_EVENT && !closed; i++) {
            SocketChannel accepted;
            try {
                accepted = channel.accept();
            } catch (IOException e) {
                NetException error = Errno.exception(e, "accept", null, -1);
                if (Errno.of(e) == NO_DESCRIPTOR) {
                    starved(error);
                } else {
                    server.emit(EventEmitter.ERROR, error);
                }
                return;
            }
            if (accepted == null) return;
            acceptBackoff = null; // descriptors are available again
            server.accepted(accepted, servesHere ? loop : null);
        }
    }

    /**
     * {@code accept} failed with EMFILE or ENFILE: pauses accepting until one of the server's
     * connections closes or a timer (20 ms, doubling to 1 s while the shortage lasts) says to try
     * again, since retrying at once would spin the loop on a socket that stays readable.
     */
    private void starved(NetException error) {
        boolean firstFailure = acceptBackoff == null;
        acceptBackoff = firstFailure ? ACCEPT_BACKOFF_MIN
                : acceptBackoff.multipliedBy(2).compareTo(ACCEPT_BACKOFF_MAX) > 0 ? ACCEPT_BACKOFF_MAX
                : acceptBackoff.multipliedBy(2);
        if (key != null && key.isValid()) key.interestOps(0);
        if (acceptRetry != null) acceptRetry.cancel();
        acceptRetry = loop.schedule(acceptBackoff, this::resumeAccepting);
        acceptPaused = true;
        if (firstFailure) server.emit(EventEmitter.ERROR, error);
    }

    /** Accepting again after a shortage of descriptors (retry timer, or a connection closed). */
    private void resumeAccepting() {
        if (acceptRetry == null) return;
        acceptRetry.cancel();
        acceptRetry = null;
        acceptPaused = false;
        if (!closed && key != null && key.isValid()) key.interestOps(SelectionKey.OP_ACCEPT);
    }

    /** One of the server's connections closed (any loop): a paused acceptor may get a descriptor now. */
    void connectionClosed() {
        if (acceptPaused) loop.execute(this::resumeAccepting);
    }

    /**
     * Stops accepting and closes the socket; {@code whenClosed} runs on this loop once the
     * descriptor is really closed (the selector has forgotten the key: the JDK defers the close
     * of a registered channel until then), so that a {@code 'close'} emitted after it means new
     * connections are refused, not reset. Loop thread.
     */
    void close(Runnable whenClosed) {
        closed = true;
        if (acceptRetry != null) {
            acceptRetry.cancel();
            acceptRetry = null;
        }
        acceptPaused = false;
        acceptBackoff = null;
        if (key != null) key.cancel();
        closeQuietly(channel);
        key = null;
        try {
            loop.execute(() -> {
                loop.forgetCancelledKeys();
                whenClosed.run();
            });
        } catch (RejectedExecutionException e) { // the loop is stopping: its selector's close releases the socket
            whenClosed.run();
        }
    }

    static void closeQuietly(java.nio.channels.Channel channel) {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException ignored) {
            // releasing anyway
        }
    }
}
