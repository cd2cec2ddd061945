package io.jtls.net;

import java.time.Duration;

/**
 * Node's {@code net.createServer(options)} options.
 *
 * @param allowHalfOpen  accepted sockets stay writable after the peer ends (Node's default: false)
 * @param pauseOnConnect accepted sockets start paused: nothing is read until {@code resume()}
 * @param noDelay        disable Nagle's algorithm on accepted sockets
 * @param keepAlive      enable TCP keep-alive on accepted sockets
 * @param keepAliveInitialDelay idle time before the first keep-alive probe, or null for the system's
 * @param group          the loops that accepted connections are spread over (null: the default
 *                       group); the listening socket itself lives on the group's next loop
 * @param halfCloseTimeout beyond Node: once an accepted socket has ended its side (its FIN
 *                       sent after {@code end()}), how long the peer may keep the connection
 *                       open without ending its own; then the socket is destroyed (a
 *                       {@code 'close'} without error). Null (the default, as Node) for no bound
 */
public record ServerOptions(boolean allowHalfOpen, boolean pauseOnConnect, boolean noDelay, boolean keepAlive,
                            Duration keepAliveInitialDelay, EventLoopGroup group, Duration halfCloseTimeout) {

    /** Node's defaults, on the default group. */
    public static final ServerOptions DEFAULTS = builder().build();

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private boolean allowHalfOpen;
        private boolean pauseOnConnect;
        private boolean noDelay;
        private boolean keepAlive;
        private Duration keepAliveInitialDelay;
        private EventLoopGroup group;
        private Duration halfCloseTimeout;

        public Builder allowHalfOpen(boolean allowHalfOpen) { this.allowHalfOpen = allowHalfOpen; return this; }
        public Builder pauseOnConnect(boolean pauseOnConnect) { this.pauseOnConnect = pauseOnConnect; return this; }
        public Builder noDelay(boolean noDelay) { this.noDelay = noDelay; return this; }
        public Builder keepAlive(boolean keepAlive) { this.keepAlive = keepAlive; return this; }
        public Builder keepAliveInitialDelay(Duration delay) { this.keepAliveInitialDelay = delay; return this; }
        public Builder group(EventLoopGroup group) { this.group = group; return this; }
        /** Beyond Node: how long a peer may stay after this side ended; null for ever (the default). */
        public Builder halfCloseTimeout(Duration timeout) { this.halfCloseTimeout = timeout; return this; }

        public ServerOptions build() {
            return new ServerOptions(allowHalfOpen, pauseOnConnect, noDelay, keepAlive, keepAliveInitialDelay, group,
                    halfCloseTimeout);
        }
    }
}
