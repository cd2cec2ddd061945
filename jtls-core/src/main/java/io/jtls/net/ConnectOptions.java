package io.jtls.net;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Node's {@code net.connect(options)} / {@code socket.connect(options)} options.
 * Build with {@code ConnectOptions.builder().port(443).host("example.com").build()}.
 *
 * @param port          TCP port (ignored when {@code path} is set)
 * @param host          host name or IP literal; null means {@code "localhost"}, like Node
 * @param path          a Unix-domain socket path; null for TCP
 * @param lookup        resolver for {@code host}; null means {@link Lookup#SYSTEM}
 * @param localAddress  local IP to bind before connecting, or null
 * @param localPort     local port to bind, 0 for any
 * @param timeout       {@link Socket#setTimeout} to apply at once, or null
 * @param noDelay       disable Nagle's algorithm once connected (Node's default: false)
 * @param keepAlive     enable TCP keep-alive once connected
 * @param keepAliveInitialDelay idle time before the first keep-alive probe, or null for the system's
 * @param allowHalfOpen used by {@link Net#connect(ConnectOptions, Runnable)} when it creates the socket
 * @param loop          the loop {@link Net#connect(ConnectOptions, Runnable)} puts the socket on; null for the default group's next
 * @param onread        Node's {@code onread}: incoming bytes go into one reused buffer and a callback
 *                      instead of {@code 'data'} (see {@link OnRead}); null for {@code 'data'}
 */
public record ConnectOptions(int port, String host, Path path, Lookup lookup, String localAddress, int localPort,
                             Duration timeout, boolean noDelay, boolean keepAlive, Duration keepAliveInitialDelay,
                             boolean allowHalfOpen, EventLoop loop, OnRead onread) {

    /** Checks and keeps the values. */
    public ConnectOptions {
        if (path == null && (port < 0 || port > 65535)) {
            throw new io.jtls.error.TlsRangeException("ERR_SOCKET_BAD_PORT", "Port should be >= 0 and < 65536. Received " + port + ".");
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

    /** A builder whose defaults are Node's. */
    public static final class Builder {
        /** A builder with Node's defaults. */
        public Builder() {}

        private int port;
        private String host;
        private Path path;
        private Lookup lookup;
        private String localAddress;
        private int localPort;
        private Duration timeout;
        private boolean noDelay;
        private boolean keepAlive;
        private Duration keepAliveInitialDelay;
        private boolean allowHalfOpen;
        private EventLoop loop;
        private OnRead onread;

        /**
         * Sets {@code port}.
         *
         * @param port the port
         * @return this builder
         */
        public Builder port(int port) { this.port = port; return this; }
        /**
         * Sets {@code host}.
         *
         * @param host the host name or address
         * @return this builder
         */
        public Builder host(String host) { this.host = host; return this; }
        /**
         * Sets {@code path}.
         *
         * @param path the path
         * @return this builder
         */
        public Builder path(Path path) { this.path = path; return this; }
        /**
         * Sets {@code lookup}.
         *
         * @param lookup the lookup
         * @return this builder
         */
        public Builder lookup(Lookup lookup) { this.lookup = lookup; return this; }
        /**
         * Sets {@code localAddress}.
         *
         * @param localAddress the local address
         * @return this builder
         */
        public Builder localAddress(String localAddress) { this.localAddress = localAddress; return this; }
        /**
         * Sets {@code localPort}.
         *
         * @param localPort the local port
         * @return this builder
         */
        public Builder localPort(int localPort) { this.localPort = localPort; return this; }
        /**
         * Sets {@code timeout}.
         *
         * @param timeout the timeout
         * @return this builder
         */
        public Builder timeout(Duration timeout) { this.timeout = timeout; return this; }
        /**
         * Sets {@code noDelay}.
         *
         * @param noDelay true to disable Nagle's algorithm
         * @return this builder
         */
        public Builder noDelay(boolean noDelay) { this.noDelay = noDelay; return this; }
        /**
         * Sets {@code keepAlive}.
         *
         * @param keepAlive true to enable TCP keep-alive
         * @return this builder
         */
        public Builder keepAlive(boolean keepAlive) { this.keepAlive = keepAlive; return this; }
        /**
         * Sets {@code keepAliveInitialDelay}.
         *
         * @param delay the delay
         * @return this builder
         */
        public Builder keepAliveInitialDelay(Duration delay) { this.keepAliveInitialDelay = delay; return this; }
        /**
         * Sets {@code allowHalfOpen}.
         *
         * @param allowHalfOpen true to keep the writable side open after the peer's end
         * @return this builder
         */
        public Builder allowHalfOpen(boolean allowHalfOpen) { this.allowHalfOpen = allowHalfOpen; return this; }
        /**
         * Sets {@code loop}.
         *
         * @param loop the event loop
         * @return this builder
         */
        public Builder loop(EventLoop loop) { this.loop = loop; return this; }
        /**
         * Sets Node's {@code onread}: one reused buffer and a callback instead of {@code 'data'}.
         *
         * @param onread the buffer and callback, or null for {@code 'data'}
         * @return this builder
         */
        public Builder onread(OnRead onread) { this.onread = onread; return this; }

        /**
         * Builds from the values set so far.
         *
         * @return the connect options: builds from the values set so far
         */
        public ConnectOptions build() {
            return new ConnectOptions(port, host, path, lookup, localAddress, localPort, timeout, noDelay, keepAlive,
                    keepAliveInitialDelay, allowHalfOpen, loop, onread);
        }
    }
}
