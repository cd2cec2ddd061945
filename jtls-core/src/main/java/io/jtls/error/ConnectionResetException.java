package io.jtls.error;

/**
 * Node's {@code ConnResetException} for a client whose transport ended before the handshake
 * completed: code {@code ECONNRESET}, message "Client network socket disconnected before
 * secure TLS connection was established", and the connect options' {@link #host()},
 * {@link #port()}, {@link #path()} and {@link #localAddress()}, as Node copies them onto the
 * error (null or -1 where the options had none).
 */
public class ConnectionResetException extends TlsException {
    /** The host. */
    private final String host;
    /** The port. */
    private final int port;
    /** The path. */
    private final String path;
    /** The local address. */
    private final String localAddress;

    /**
     * A new {@code ConnectionResetException}.
     *
     * @param message the message
     * @param host the host name or address
     * @param port the port
     * @param path the path
     * @param localAddress the local address
     */
    public ConnectionResetException(String message, String host, int port, String path, String localAddress) {
        super("ECONNRESET", message);
        this.host = host;
        this.port = port;
        this.path = path;
        this.localAddress = localAddress;
    }

    /**
     * Node's {@code err.host}: the {@code host} option, or null.
     *
     * @return Node's {@code err.host}: the {@code host} option, or null
     */
    public String host() {
        return host;
    }

    /**
     * Node's {@code err.port}: the {@code port} option, or -1.
     *
     * @return Node's {@code err.port}: the {@code port} option, or -1
     */
    public int port() {
        return port;
    }

    /**
     * Node's {@code err.path}: the {@code path} option (a Unix socket), or null.
     *
     * @return Node's {@code err.path}: the {@code path} option (a Unix socket), or null
     */
    public String path() {
        return path;
    }

    /**
     * Node's {@code err.localAddress}: the {@code localAddress} option, or null.
     *
     * @return Node's {@code err.localAddress}: the {@code localAddress} option, or null
     */
    public String localAddress() {
        return localAddress;
    }
}
