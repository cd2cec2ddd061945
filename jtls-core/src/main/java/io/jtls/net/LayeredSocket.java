package io.jtls.net;

/**
 * A stream layered over another stream (its <em>transport</em>): a TLS socket over TCP, TLS
 * inside TLS. It reports the addresses and passes the options of the {@link Socket} at the
 * bottom of the stack, as Node's {@code tls.TLSSocket} inherits them from {@code net.Socket};
 * its {@link Socket#TIMEOUT} is the bottom socket's idle timeout.
 *
 * <p>Subclasses decide how the bytes cross the layer; this class only knows where the stack
 * ends. Absent values are null, and -1 for ports, when there is no socket at the bottom (a
 * {@link DuplexPair} end, say) or it is not connected.
 */
public abstract class LayeredSocket extends Duplex {
    /** The stream underneath (Node's {@code _parent}). */
    protected final Duplex transport;
    /** Loop thread: 'timeout' is forwarded from the transport once. */
    private boolean timeoutForwarding;

    /**
     * A new {@code LayeredSocket}, for subclasses.
     *
     * @param transport the transport
     */
    protected LayeredSocket(Duplex transport) {
        super(transport.loop(), transport.allowHalfOpen());
        this.transport = transport;
    }

    /**
     * The stream underneath (Node's {@code _parent}).
     *
     * @return the stream underneath (Node's {@code _parent})
     */
    public Duplex transport() {
        return transport;
    }

    /**
     * Node's {@code address()}: the local address of the socket at the bottom, or null.
     *
     * @return Node's {@code address()}: the local address of the socket at the bottom, or null
     */
    public AddressInfo address() {
        Socket socket = bottomSocket();
        return socket == null ? null : socket.address();
    }

    /**
     * Node's {@code localAddress}; null when unknown.
     *
     * @return Node's {@code localAddress}; null when unknown
     */
    public String localAddress() {
        Socket socket = bottomSocket();
        return socket == null ? null : socket.localAddress();
    }

    /**
     * Node's {@code localPort}; -1 when unknown.
     *
     * @return Node's {@code localPort}; -1 when unknown
     */
    public int localPort() {
        Socket socket = bottomSocket();
        return socket == null ? -1 : socket.localPort();
    }

    /**
     * Node's {@code remoteAddress}; null when unknown.
     *
     * @return Node's {@code remoteAddress}; null when unknown
     */
    public String remoteAddress() {
        Socket socket = bottomSocket();
        return socket == null ? null : socket.remoteAddress();
    }

    /**
     * Node's {@code remoteFamily}: "IPv4" or "IPv6"; null when unknown.
     *
     * @return Node's {@code remoteFamily}: "IPv4" or "IPv6"; null when unknown
     */
    public String remoteFamily() {
        Socket socket = bottomSocket();
        return socket == null ? null : socket.remoteFamily();
    }

    /**
     * Node's {@code remotePort}; -1 when unknown.
     *
     * @return Node's {@code remotePort}; -1 when unknown
     */
    public int remotePort() {
        Socket socket = bottomSocket();
        return socket == null ? -1 : socket.remotePort();
    }

    /**
     * Node's {@code setTimeout(msecs[, callback])}: {@link Socket#TIMEOUT} after {@code millis}
     * idle on the connection at the bottom (0 disables); the socket stays open.
     *
     * @param millis the time in milliseconds
     * @param onTimeout called on {@code 'timeout'}
     * @return this socket
     */
    public LayeredSocket setTimeout(long millis, Runnable onTimeout) {
        if (onTimeout != null) {
            if (millis == 0) {
                off(Socket.TIMEOUT, onTimeout);
            } else {
                once(Socket.TIMEOUT, onTimeout);
            }
        }
        loop.execute(() -> {
            if (!timeoutForwarding) {
                timeoutForwarding = true;
                transport.on(Socket.TIMEOUT, () -> emit(Socket.TIMEOUT));
            }
        });
        if (transport instanceof Socket s) {
            s.setTimeout(millis, null);
        } else if (transport instanceof LayeredSocket layered) {
            layered.setTimeout(millis, null);
        }
        return this;
    }

    /**
     * Node's {@code setNoDelay([noDelay])}, passed to the socket at the bottom.
     *
     * @param noDelay true to disable Nagle's algorithm
     * @return this socket
     */
    public LayeredSocket setNoDelay(boolean noDelay) {
        Socket socket = bottomSocket();
        if (socket != null) {
            socket.setNoDelay(noDelay);
        }
        return this;
    }

    /**
     * Node's {@code setKeepAlive([enable][, initialDelay])}, passed to the socket at the bottom.
     *
     * @param enable true to enable
     * @param initialDelayMillis the initial delay millis
     * @return this socket
     */
    public LayeredSocket setKeepAlive(boolean enable, long initialDelayMillis) {
        Socket socket = bottomSocket();
        if (socket != null) {
            socket.setKeepAlive(enable, initialDelayMillis);
        }
        return this;
    }

    /**
     * The TCP or Unix socket at the bottom of the stack of transports, or null.
     *
     * @return the TCP or Unix socket at the bottom of the stack of transports, or null
     */
    protected final Socket bottomSocket() {
        Duplex d = transport;
        while (d instanceof LayeredSocket layered) {
            d = layered.transport;
        }
        return d instanceof Socket s ? s : null;
    }

    // Node's emitter methods, returning this LayeredSocket so that calls chain on the receiver's own type.

    @Override
    public <L> LayeredSocket on(EventKey<L> key, L listener) {
        super.on(key, listener);
        return this;
    }

    @Override
    public <L> LayeredSocket once(EventKey<L> key, L listener) {
        super.once(key, listener);
        return this;
    }

    @Override
    public <L> LayeredSocket off(EventKey<L> key, L listener) {
        super.off(key, listener);
        return this;
    }

    /**
     * Node's {@code ref()}: passed to the socket at the bottom, whose liveness this stream shares.
     *
     * @return this socket
     */
    public LayeredSocket ref() {
        Socket socket = bottomSocket();
        if (socket != null) socket.ref();
        return this;
    }

    /**
     * Node's {@code unref()}: passed to the socket at the bottom.
     *
     * @return this socket
     */
    public LayeredSocket unref() {
        Socket socket = bottomSocket();
        if (socket != null) socket.unref();
        return this;
    }
}
