package io.jtls;

import io.jtls.context.SecureContextOptions;
import io.jtls.error.TlsException;
import io.jtls.net.EventLoopGroup;
import io.jtls.net.ServerOptions;
import io.jtls.session.SessionStore;
import io.jtls.session.TicketKeyRing;
import java.time.Duration;
import java.util.List;

/**
 * The options of Node's {@code tls.createServer([options])}, with Node's defaults: the TLS
 * server's own options, the {@code net.createServer} options it passes on, and every
 * {@code createSecureContext} option (the server's context is built from them, with a server's
 * defaults: {@code honorCipherOrder} true, a per-process {@code sessionIdContext}, as Node, and
 * {@code sessionTimeout} 300 seconds, Node's documented default; Node v20 itself leaves OpenSSL's
 * 7200). {@code sessionTimeout} and {@code ticketKeys} are secure-context options, set with the
 * builder methods of the same name. Session tickets are on unless {@code secureOptions} has
 * {@link io.jtls.context.Constants#SSL_OP_NO_TICKET} (then TLS 1.2 resumes by session id and TLS 1.3 with
 * stateful tickets, both through {@code sessionStore} or the {@code 'newSession'} and
 * {@code 'resumeSession'} listeners).
 *
 * @param alpnProtocols         protocols the server selects from, most preferred first, or
 *                              null for no ALPN; a client offering only others fails with
 *                              {@code no_application_protocol}, as in Node
 * @param handshakeTimeout      abort a connection whose handshake takes longer (default 120 s;
 *                              zero means the default, as Node's {@code || 120000}; negative for
 *                              none): {@code 'tlsClientError'} {@code ERR_TLS_HANDSHAKE_TIMEOUT},
 *                              whatever the handshake waits for (the client, or an
 *                              {@code SNICallback}, {@code 'resumeSession'}, {@code 'newSession'}
 *                              or {@code 'OCSPRequest'} callback that never answers). Beyond
 *                              Node, each TLS 1.2 renegotiation has the same bound (the socket's
 *                              {@code 'error'} when it passes)
 * @param rejectUnauthorized    with {@code requestCert}, drop clients whose certificate does not
 *                              verify (default true)
 * @param requestCert           ask clients for a certificate (default false)
 * @param sniCallback           picks a context per SNI name; null uses the contexts of
 *                              {@link TlsServer#addContext}
 * @param contextOptions        the {@code createSecureContext} options
 * @param allowHalfOpen         {@link ServerOptions#allowHalfOpen()}
 * @param pauseOnConnect        {@link ServerOptions#pauseOnConnect()}
 * @param noDelay               {@link ServerOptions#noDelay()}
 * @param keepAlive             {@link ServerOptions#keepAlive()}
 * @param keepAliveInitialDelay {@link ServerOptions#keepAliveInitialDelay()}
 * @param group                 {@link ServerOptions#group()}: the loops connections are spread over
 * @param sessionStore          where sessions are kept for resumption by session id (TLS 1.2 ids,
 *                              TLS 1.3 stateful tickets): the server installs Node's
 *                              {@code 'newSession'}/{@code 'resumeSession'} listeners over it
 *                              ({@link io.jtls.session.SessionStoreListeners}, entries living
 *                              {@code sessionTimeout}); null for none
 * @param ticketKeyRing         the keys that seal and open session tickets, rotating; null for
 *                              one key ({@code ticketKeys} or random). With a ring,
 *                              {@link TlsServer#getTicketKeys()}/{@link TlsServer#setTicketKeys}
 *                              read and replace the ring's keys, and {@code ticketKeys} is ignored
 * @param enableTrace           print every TLS message of every connection to standard error
 *                              ({@link TlsSocket#enableTrace()})
 * @param pskCallback           Node's {@code pskCallback}: the pre-shared key per client identity
 *                              (TLS 1.2 PSK suites named in {@code ciphers}, TLS 1.3 external PSK), or null
 * @param pskIdentityHint       Node's {@code pskIdentityHint}: sent to TLS 1.2 PSK clients, or null
 * @param alpnCallback          Node's {@code ALPNCallback}: picks the protocol from the client's
 *                              offer; not with {@code alpnProtocols}
 *                              ({@code ERR_TLS_ALPN_CALLBACK_WITH_PROTOCOLS}), or null
 * @param maxHandshakes         beyond Node: the most TLS handshakes in progress at once over
 *                              all of the server's loops; 0 (the default) for no limit, as Node.
 *                              A connection beyond it waits, unread, in arrival order, until a
 *                              handshake in progress completes or its connection closes; one
 *                              that waits longer than {@code handshakeTimeout} is destroyed
 *                              (it is not refused at once: a burst of clients is served, late);
 *                              then its own handshake has the whole {@code handshakeTimeout}
 * @param halfCloseTimeout      beyond Node: once a connection has ended its side ({@code end()}:
 *                              close_notify, then its FIN), how long the client may keep it open
 *                              without ending its own; then it is destroyed (a {@code 'close'}
 *                              without error). Default {@link #DEFAULT_HALF_CLOSE_TIMEOUT};
 *                              zero or negative for no bound (Node)
 */
public record TlsServerOptions(List<String> alpnProtocols, Duration handshakeTimeout, boolean rejectUnauthorized,
                               boolean requestCert, SniCallback sniCallback, SecureContextOptions contextOptions,
                               boolean allowHalfOpen, boolean pauseOnConnect, boolean noDelay, boolean keepAlive,
                               Duration keepAliveInitialDelay, EventLoopGroup group, SessionStore sessionStore,
                               TicketKeyRing ticketKeyRing, boolean enableTrace, PskServerCallback pskCallback,
                               String pskIdentityHint, AlpnCallback alpnCallback, int maxHandshakes,
                               Duration halfCloseTimeout) {

    /** Node's default {@code handshakeTimeout}: 120 seconds. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(120);

    /**
     * The default {@code halfCloseTimeout}: 30 seconds for a client to answer a server's
     * close_notify or close its side (Linux keeps an orphaned connection in FIN-WAIT-2 for 60).
     */
    public static final Duration DEFAULT_HALF_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    /** Checks and keeps the values. */
    public TlsServerOptions {
        alpnProtocols = AlpnOption.of(alpnProtocols);
        handshakeTimeout = handshakeTimeout == null ? DEFAULT_HANDSHAKE_TIMEOUT : handshakeTimeout;
        halfCloseTimeout = halfCloseTimeout == null ? DEFAULT_HALF_CLOSE_TIMEOUT : halfCloseTimeout;
        contextOptions = contextOptions == null ? SecureContextOptions.DEFAULTS : contextOptions;
        if (maxHandshakes < 0) {
            throw new IllegalArgumentException("maxHandshakes must not be negative: " + maxHandshakes);
        }
        if (alpnCallback != null && alpnProtocols != null) {
            throw new TlsException("ERR_TLS_ALPN_CALLBACK_WITH_PROTOCOLS",
                    "The ALPNCallback and ALPNProtocols TLS options are mutually exclusive");
        }
    }

    /**
     * The {@code net.Server} options.
     *
     * @return the {@code net.Server} options
     */
    public ServerOptions netOptions() {
        return ServerOptions.builder().allowHalfOpen(allowHalfOpen).pauseOnConnect(pauseOnConnect).noDelay(noDelay)
                .keepAlive(keepAlive).keepAliveInitialDelay(keepAliveInitialDelay).group(group)
                .halfCloseTimeout(halfCloseTimeout == null || halfCloseTimeout.isNegative() || halfCloseTimeout.isZero()
                        ? null : halfCloseTimeout)
                .build();
    }

    /**
     * A new builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder with Node's defaults; every {@code createSecureContext} option is accepted too. */
    public static final class Builder extends ContextOptionsBuilder<Builder> {
        private List<String> alpnProtocols;
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
        private boolean rejectUnauthorized = true;
        private boolean requestCert;
        private SniCallback sniCallback;
        private boolean allowHalfOpen;
        private boolean pauseOnConnect;
        private boolean noDelay;
        private boolean keepAlive;
        private Duration keepAliveInitialDelay;
        private EventLoopGroup group;
        private SessionStore sessionStore;
        private TicketKeyRing ticketKeyRing;
        private boolean enableTrace;
        private PskServerCallback pskCallback;
        private String pskIdentityHint;
        private AlpnCallback alpnCallback;
        private int maxHandshakes;
        private Duration halfCloseTimeout = DEFAULT_HALF_CLOSE_TIMEOUT;

        private Builder() {}

        /**
         * Node's {@code ALPNProtocols} as names, most preferred first.
         *
         * @param protocols the protocol names
         * @return this builder
         */
        public Builder alpnProtocols(List<String> protocols) { this.alpnProtocols = AlpnOption.of(protocols); return this; }
        /**
         * Sets {@code alpnProtocols}.
         *
         * @param protocols the protocol names
         * @return this builder
         */
        public Builder alpnProtocols(String... protocols) { this.alpnProtocols = AlpnOption.of(protocols); return this; }
        /**
         * Node's {@code ALPNProtocols} as one wire-format buffer ({@code [len][name]...}).
         *
         * @param wireFormat the wire format
         * @return this builder
         */
        public Builder alpnProtocols(byte[] wireFormat) { this.alpnProtocols = AlpnOption.ofWire(wireFormat); return this; }
        /**
         * Sets {@code handshakeTimeout}.
         *
         * @param handshakeTimeout the handshake timeout
         * @return this builder
         */
        public Builder handshakeTimeout(Duration handshakeTimeout) { this.handshakeTimeout = handshakeTimeout; return this; }
        /**
         * Sets {@code rejectUnauthorized}.
         *
         * @param rejectUnauthorized true to fail connections whose peer certificate does not verify
         * @return this builder
         */
        public Builder rejectUnauthorized(boolean rejectUnauthorized) { this.rejectUnauthorized = rejectUnauthorized; return this; }
        /**
         * Sets {@code requestCert}.
         *
         * @param requestCert true to request a certificate from the peer
         * @return this builder
         */
        public Builder requestCert(boolean requestCert) { this.requestCert = requestCert; return this; }
        /**
         * Node's {@code SNICallback}.
         *
         * @param sniCallback chooses a context by server name
         * @return this builder
         */
        public Builder sniCallback(SniCallback sniCallback) { this.sniCallback = sniCallback; return this; }
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
         * Sessions kept in {@code store} for resumption by id, instead of hand-written listeners.
         *
         * @param store the session store
         * @return this builder
         */
        public Builder sessionStore(SessionStore store) { this.sessionStore = store; return this; }
        /**
         * Ticket keys from a rotating {@code ring} instead of one fixed key.
         *
         * @param ring the ring
         * @return this builder
         */
        public Builder ticketKeyRing(TicketKeyRing ring) { this.ticketKeyRing = ring; return this; }
        /**
         * Node's {@code enableTrace}: OpenSSL's trace of every TLS message, on standard error.
         *
         * @param enableTrace true to trace the handshake on stderr
         * @return this builder
         */
        public Builder enableTrace(boolean enableTrace) { this.enableTrace = enableTrace; return this; }
        /**
         * Node's {@code pskCallback(socket, identity)}.
         *
         * @param callback called when done
         * @return this builder
         */
        public Builder pskCallback(PskServerCallback callback) { this.pskCallback = callback; return this; }
        /**
         * Node's {@code pskIdentityHint}.
         *
         * @param hint the PSK identity hint
         * @return this builder
         */
        public Builder pskIdentityHint(String hint) { this.pskIdentityHint = hint; return this; }
        /**
         * Node's {@code ALPNCallback}.
         *
         * @param callback called when done
         * @return this builder
         */
        public Builder alpnCallback(AlpnCallback callback) { this.alpnCallback = callback; return this; }
        /**
         * Beyond Node: at most {@code max} handshakes in progress at once; 0 for no limit (the default).
         *
         * @param max the limit, or 0
         * @return this builder
         */
        public Builder maxHandshakes(int max) { this.maxHandshakes = max; return this; }
        /**
         * Beyond Node: how long a client may stay after the server ended; zero for ever.
         *
         * @param timeout the bound, or zero
         * @return this builder
         */
        public Builder halfCloseTimeout(Duration timeout) { this.halfCloseTimeout = timeout; return this; }

        /**
         * Builds from the values set so far.
         *
         * @return the TLS server options: builds from the values set so far
         */
        public TlsServerOptions build() {
            return new TlsServerOptions(alpnProtocols, handshakeTimeout, rejectUnauthorized, requestCert, sniCallback,
                    context.build(), allowHalfOpen, pauseOnConnect, noDelay, keepAlive, keepAliveInitialDelay, group,
                    sessionStore, ticketKeyRing, enableTrace, pskCallback, pskIdentityHint, alpnCallback,
                    maxHandshakes, halfCloseTimeout);
        }
    }
}
