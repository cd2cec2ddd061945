package io.jtls.net;

import java.nio.file.Path;

/**
 * Node's {@code server.listen(options)} options: where to listen and how.
 *
 * <p>Either a TCP {@code port} (with an optional {@code host}) or a Unix-domain {@code path}; as
 * in Node, a path is ignored when a port was given. {@code reusePort} applies to TCP only: on a
 * path it is ignored, as Node ignores it for IPC servers.
 *
 * @param port      the TCP port (0: a free port, see {@link Server#address()}), or -1 when
 *                  listening on {@code path}
 * @param host      the host name or address to bind, or null for every interface (IPv6 and IPv4)
 * @param path      the Unix-domain socket path, or null for TCP
 * @param backlog   the listen backlog (Node's default: 511)
 * @param reusePort Node's {@code reusePort} (default false): each loop of the server's group gets
 *                  its own listening socket, all bound to the same port with {@code SO_REUSEPORT},
 *                  and the kernel spreads the incoming connections over them; a connection is
 *                  accepted and served on the loop whose socket the kernel picked, with no
 *                  hand-over between loops. Other sockets with {@code SO_REUSEPORT} set, also
 *                  another process's of the same user, may then bind to that port too. Where the
 *                  platform lacks {@code SO_REUSEPORT} the listen fails with {@code ENOTSUP}
 */
public record ListenOptions(int port, String host, Path path, int backlog, boolean reusePort) {
    /** Node's default listen backlog. */
    public static final int DEFAULT_BACKLOG = 511;

    /**
     * Checks the values: a port from 0 to 65535 unless a path is given.
     *
     * @param port the TCP port, or -1 with a path
     * @param host the host, or null
     * @param path the Unix-domain path, or null
     * @param backlog the listen backlog
     * @param reusePort whether every loop listens on the port ({@code SO_REUSEPORT})
     * @throws io.jtls.error.TlsRangeException ({@code ERR_SOCKET_BAD_PORT}) for a port out of range
     * @throws IllegalArgumentException when neither a port nor a path is given
     */
    public ListenOptions {
        if (path != null && port != -1) path = null; // Node: "ignored if port is specified"
        if (path == null && port == -1) {
            throw new IllegalArgumentException("listen options need a port or a path");
        }
        if (path == null && (port < 0 || port > 65535)) {
            throw new io.jtls.error.TlsRangeException("ERR_SOCKET_BAD_PORT",
                    "options.port should be >= 0 and < 65536. Received " + port + ".");
        }
    }

    /**
     * A new builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link ListenOptions}. */
    public static final class Builder {
        /** A builder with Node's defaults and no port or path yet. */
        public Builder() {}

        private int port = -1;
        private String host;
        private Path path;
        private int backlog = DEFAULT_BACKLOG;
        private boolean reusePort;

        /**
         * Sets {@code port} (0: a free port).
         *
         * @param port the TCP port
         * @return this builder
         */
        public Builder port(int port) { this.port = port; return this; }
        /**
         * Sets {@code host}.
         *
         * @param host the host name or address, or null for every interface
         * @return this builder
         */
        public Builder host(String host) { this.host = host; return this; }
        /**
         * Sets {@code path}: a Unix-domain socket (ignored when a port is set).
         *
         * @param path the socket file's path
         * @return this builder
         */
        public Builder path(Path path) { this.path = path; return this; }
        /**
         * Sets {@code backlog}.
         *
         * @param backlog the listen backlog
         * @return this builder
         */
        public Builder backlog(int backlog) { this.backlog = backlog; return this; }
        /**
         * Sets {@code reusePort}: a listening socket per loop, the kernel spreading connections.
         *
         * @param reusePort true for a {@code SO_REUSEPORT} socket on every loop of the group
         * @return this builder
         */
        public Builder reusePort(boolean reusePort) { this.reusePort = reusePort; return this; }

        /**
         * Builds from the values set so far.
         *
         * @return the listen options
         * @throws io.jtls.error.TlsRangeException ({@code ERR_SOCKET_BAD_PORT}) for a port out of range
         * @throws IllegalArgumentException when neither a port nor a path was set
         */
        public ListenOptions build() {
            return new ListenOptions(port, host, path, backlog, reusePort);
        }
    }
}
