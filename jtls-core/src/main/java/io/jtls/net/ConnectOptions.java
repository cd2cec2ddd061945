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
 */
public record ConnectOptions(int port, String host, Path path, Lookup lookup, String localAddress, int localPort,
                             Duration timeout, boolean noDelay, boolean keepAlive, Duration keepAliveInitialDelay,
                             boolean allowHalfOpen, EventLoop loop) {

    public ConnectOptions {
        if (path == null && (port < 0 || port > 65535)) {
            throw new io.jtls.error.TlsRangeException("ERR_SOCKET_BAD_PORT", "Port should be >= 0 and < 65536. Received " + port + ".");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder whose defaults are Node's. */
    public static final class Builder {
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

        public Builder port(int port) { this.port = port; return this; }
        public Builder host(String host) { this.host = host; return this; }
        public Builder path(Path path) { this.path = path; return this; }
        public Builder lookup(Lookup lookup) { this.lookup = lookup; return this; }
        public Builder localAddress(String localAddress) { this.localAddress = localAddress; return this; }
        public Builder localPort(int localPort) { this.localPort = localPort; return this; }
        public Builder timeout(Duration timeout) { this.timeout = timeout; return this; }
        public Builder noDelay(boolean noDelay) { this.noDelay = noDelay; return this; }
        public Builder keepAlive(boolean keepAlive) { this.keepAlive = keepAlive; return this; }
        public Builder keepAliveInitialDelay(Duration delay) { this.keepAliveInitialDelay = delay; return this; }
        public Builder allowHalfOpen(boolean allowHalfOpen) { this.allowHalfOpen = allowHalfOpen; return this; }
        public Builder loop(EventLoop loop) { this.loop = loop; return this; }

        public ConnectOptions build() {
            return new ConnectOptions(port, host, path, lookup, localAddress, localPort, timeout, noDelay, keepAlive,
                    keepAliveInitialDelay, allowHalfOpen, loop);
        }
    }
}
