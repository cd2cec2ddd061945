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
     * Opens a server's listening sockets on {@code address}: one per loop of {@code loops}
     * ({@code home}, the server's loop, first), each bound before the next; with
     * {@code reusePort} each has {@code SO_REUSEPORT} set before its bind, and when
     * {@code address} asks for port 0 the first bind picks the port the others bind to. The
     * first is registered on {@code home}, which must be the calling thread's loop; the others
     * start with {@link #startOnItsLoop()}. On a failure every socket opened is closed.
     */
    static List<Acceptor> open(Server server, List<EventLoop> loops, EventLoop home, SocketAddress address,
                               int backlog, boolean reusePort) throws IOException {
        List<EventLoop> ordered = homeFirst(loops, home);
        List<Acceptor> opened = new ArrayList<>(ordered.size());
        try {
            SocketAddress target = address;
            for (EventLoop loop : ordered) {
                ServerSocketChannel channel = address instanceof UnixDomainSocketAddress
                        ? ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                        : ServerSocketChannel.open();
                opened.add(new Acceptor(server, loop, channel, reusePort));
                channel.configureBlocking(false);
                if (reusePort) channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                channel.bind(target, backlog);
                if (target instanceof InetSocketAddress inet && inet.getPort() == 0) {
                    int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
                    target = new InetSocketAddress(inet.getAddress(), port);
                }
            }
            opened.getFirst().register();
            return List.copyOf(opened);
        } catch (IOException | RuntimeException e) {
            opened.forEach(acceptor -> closeQuietly(acceptor.channel));
            throw e;
        }
    }

    /** {@code loops} in their order, starting at {@code home}'s place (home alone when it is not among them). */
    private static List<EventLoop> homeFirst(List<EventLoop> loops, EventLoop home) {
        int first = loops.indexOf(home);
        if (first < 0) return List.of(home);
        List<EventLoop> ordered = new ArrayList<>(loops.size());
        for (int i = 0; i < loops.size(); i++) ordered.add(loops.get((first + i) % loops.size()));
        return ordered;
    }

    /** Node's error when the platform lacks {@code SO_REUSEPORT} (libuv's {@code ENOTSUP}), naming the option. */
    static NetException reusePortUnsupported(SocketAddress address) {
        InetSocketAddress inet = (InetSocketAddress) address;
        String host = inet.getAddress().isAnyLocalAddress() ? "::" : AddressInfo.text(inet.getAddress());
        return new NetException(Errno.ENOTSUP.name(), Errno.ENOTSUP.errno, "listen", host, inet.getPort(),
                "listen ENOTSUP: " + Errno.ENOTSUP.description() + " " + host + ":" + inet.getPort()
                        + " (the reusePort option: this platform has no SO_REUSEPORT)", null);
    }

    /** Whether this platform's server sockets take {@code SO_REUSEPORT} (Linux 3.9+, the BSDs). */
    static boolean reusePortSupported() {
        return Platform.REUSE_PORT;
    }

    /** Asked once, at the first listen with reusePort. */
    private static final class Platform {
        static final boolean REUSE_PORT = probe();

        private static boolean probe() {
            try (ServerSocketChannel probe = ServerSocketChannel.open()) {
                return probe.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
            } catch (IOException e) {
                return false;
            }
        }
    }

    /** The bound address (the first socket's is the server's {@code address()}). */
    SocketAddress localAddress() throws IOException {
        return channel.getLocalAddress();
    }

    /** Starts accepting: registers the socket with this acceptor's loop. Loop thread. */
    private void register() throws IOException {
        if (closed) return;
        key = loop.register(channel, SelectionKey.OP_ACCEPT, this);
    }

    /**
     * Starts accepting on this acceptor's loop (a selector takes registrations from its own
     * thread); until then the kernel queues connections in the socket's backlog. Should the loop
     * be shut down, or the registration fail, the socket is closed, so that the kernel stops
     * giving it connections nobody would accept.
     */
    void startOnItsLoop() {
        try {
            loop.execute(() -> {
                try {
                    register();
                } catch (IOException | RuntimeException e) {
                    EventEmitter.LOG.log(System.Logger.Level.ERROR,
                            "cannot accept on " + loop + " for " + server.describe(), e);
                    closeQuietly(channel);
                }
            });
        } catch (RejectedExecutionException e) {
            EventEmitter.LOG.log(System.Logger.Level.ERROR,
                    "cannot accept on " + loop + " (shut down) for " + server.describe());
            closeQuietly(channel);
        }
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
     * {@link #close(Runnable)} on this acceptor's loop: now when called there, else as a task
     * (or at once when that loop is shut down: its selector's close released the socket).
     */
    void closeOnItsLoop(Runnable whenClosed) {
        try {
            loop.run(() -> close(whenClosed));
        } catch (RejectedExecutionException e) {
            closeQuietly(channel);
            whenClosed.run();
        }
    }

    /**
     * Stops accepting and closes the socket; {@code whenClosed} runs on this loop once the
     * descriptor is really closed (the selector has forgotten the key: the JDK defers the close
     * of a registered channel until then), so that a {@code 'close'} emitted after it means new
     * connections are refused, not reset. Loop thread.
     */
    private void close(Runnable whenClosed) {
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
