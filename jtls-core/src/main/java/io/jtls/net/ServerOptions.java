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
 *                       group); the listening socket itself lives on the group's next loop (with
 *                       {@link ListenOptions#reusePort()}, each loop has one)
 * @param halfCloseTimeout beyond Node: once an accepted socket has ended its side (its FIN
 *                       sent after {@code end()}), how long the peer may keep the connection
 *                       open without ending its own; then the socket is destroyed (a
 *                       {@code 'close'} without error). Null (the default, as Node) for no bound
 */
public record ServerOptions(boolean allowHalfOpen, boolean pauseOnConnect, boolean noDelay, boolean keepAlive,
                            Duration keepAliveInitialDelay, EventLoopGroup group, Duration halfCloseTimeout) {

    /** Node's defaults, on the default group. */
    public static final ServerOptions DEFAULTS = builder().build();

    /**
     * A new builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link ServerOptions}. */
    public static final class Builder {
        /** A builder with Node's defaults. */
        public Builder() {}

        private boolean allowHalfOpen;
        private boolean pauseOnConnect;
        private boolean noDelay;
        private boolean keepAlive;
        private Duration keepAliveInitialDelay;
        private EventLoopGroup group;
        private Duration halfCloseTimeout;

        /**
         * Sets {@code allowHalfOpen}.
         *
         * @param allowHalfOpen true to keep the writable side open after the peer's end
         * @return this builder
         */
        public Builder allowHalfOpen(boolean allowHalfOpen) { this.allowHalfOpen = allowHalfOpen; return this; }
        /**
         * Sets {@code pauseOnConnect}.
         *
         * @param pauseOnConnect true to start each accepted socket paused
         * @return this builder
         */
        public Builder pauseOnConnect(boolean pauseOnConnect) { this.pauseOnConnect = pauseOnConnect; return this; }
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
         * Sets {@code group}.
         *
         * @param group the event loop group
         * @return this builder
         */
        public Builder group(EventLoopGroup group) { this.group = group; return this; }
        /**
         * Beyond Node: how long a peer may stay after this side ended; null for ever (the default).
         *
         * @param timeout the bound, or null
         * @return this builder
         */
        public Builder halfCloseTimeout(Duration timeout) { this.halfCloseTimeout = timeout; return this; }

        /**
         * Builds from the values set so far.
         *
         * @return the server options: builds from the values set so far
         */
        public ServerOptions build() {
            return new ServerOptions(allowHalfOpen, pauseOnConnect, noDelay, keepAlive, keepAliveInitialDelay, group,
                    halfCloseTimeout);
        }
    }
}
