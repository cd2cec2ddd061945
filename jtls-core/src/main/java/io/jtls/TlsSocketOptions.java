package io.jtls;

import io.jtls.context.SecureContextOptions;
import java.time.Duration;
import java.util.List;

/**
 * The options of Node's {@code new tls.TLSSocket(socket[, options])}: what the socket needs to
 * be a client or a server on an existing {@link io.jtls.net.Duplex}, plus every
 * {@code createSecureContext} option (used when {@code secureContext} is absent).
 *
 * <p>Defaults are Node's for this constructor: a client, {@code requestCert} and
 * {@code rejectUnauthorized} false (unlike {@link Tls#connect}, which verifies the server by
 * default). A client made this way emits {@link TlsSocket#SECURE} and sets
 * {@code authorized}/{@code authorizationError}, but checks no host name and rejects nothing:
 * use {@link Tls#connect(TlsConnectOptions, Runnable)} with
 * {@link TlsConnectOptions.Builder#socket} for a verified client on any stream.
 *
 * @param isServer           act as the TLS server
 * @param server             the {@link TlsServer} this socket belongs to, or null
 * @param requestCert        a server requests a client certificate
 * @param rejectUnauthorized a server drops clients whose certificate did not verify
 *                           (with {@code requestCert})
 * @param alpnProtocols      ALPN protocols (a client offers them, a server selects among them), or null
 * @param sniCallback        a server's {@link SniCallback}, or null
 * @param session            a client's session to resume (Node's {@code session} buffer), or null
 * @param requestOCSP        a client asks for the server's OCSP staple
 * @param secureContext      the context to use; null builds one from {@code contextOptions}
 * @param handshakeTimeout   fail the connection when the handshake (or, beyond Node, a later
 *                           renegotiation) takes longer; null or zero for none
 * @param contextOptions     the {@code createSecureContext} options
 * @param enableTrace        print every TLS message to standard error ({@link TlsSocket#enableTrace()})
 * @param serverPskCallback  a server's {@code pskCallback(socket, identity)}, or null
 * @param clientPskCallback  a client's {@code pskCallback(hint)}, or null
 * @param pskIdentityHint    a server's {@code pskIdentityHint} (with its {@code pskCallback}), or null
 * @param alpnCallback       a server's {@code ALPNCallback}, or null (as in Node, it takes the
 *                           place of {@code alpnProtocols} for selection when both are given)
 * @param onread             Node's {@code onread}: incoming plaintext goes into one reused buffer
 *                           and a callback instead of {@code 'data'} ({@link io.jtls.net.OnRead}; a
 *                           direct buffer is decrypted into straight), or null for {@code 'data'}
 */
public record TlsSocketOptions(boolean isServer, TlsServer server, boolean requestCert, boolean rejectUnauthorized,
                               List<String> alpnProtocols, SniCallback sniCallback, byte[] session,
                               boolean requestOCSP, SecureContext secureContext, Duration handshakeTimeout,
                               SecureContextOptions contextOptions, boolean enableTrace, PskServerCallback serverPskCallback,
                               PskClientCallback clientPskCallback, String pskIdentityHint, AlpnCallback alpnCallback,
                               io.jtls.net.OnRead onread) {

    /** Node's defaults: a client, nothing requested, a context with default options. */
    public static final TlsSocketOptions DEFAULTS = builder().build();

    /** Checks and keeps the values. */
    public TlsSocketOptions {
        alpnProtocols = AlpnOption.of(alpnProtocols);
        session = session == null ? null : session.clone();
        contextOptions = contextOptions == null ? SecureContextOptions.DEFAULTS : contextOptions;
        if (isServer ? clientPskCallback != null : serverPskCallback != null || alpnCallback != null) {
            throw new IllegalArgumentException(isServer ? "a server socket takes a PskServerCallback"
                    : "a client socket takes a PskClientCallback, and no ALPNCallback");
        }
    }

    /**
     * Node's {@code session}: a saved session to resume (a copy), or null.
     *
     * @return the session bytes, or null
     */
    @Override
    public byte[] session() {
        return session == null ? null : session.clone();
    }

    /**
     * A new builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder; every {@code createSecureContext} option is accepted too. */
    public static final class Builder extends ContextOptionsBuilder<Builder> {
        private boolean isServer;
        private TlsServer server;
        private boolean requestCert;
        private boolean rejectUnauthorized;
        private List<String> alpnProtocols;
        private SniCallback sniCallback;
        private byte[] session;
        private boolean requestOCSP;
        private SecureContext secureContext;
        private Duration handshakeTimeout;
        private boolean enableTrace;
        private PskServerCallback serverPskCallback;
        private PskClientCallback clientPskCallback;
        private String pskIdentityHint;
        private AlpnCallback alpnCallback;
        private io.jtls.net.OnRead onread;

        private Builder() {}

        /**
         * Sets {@code isServer}.
         *
         * @param isServer true for the server end
         * @return this builder
         */
        public Builder isServer(boolean isServer) { this.isServer = isServer; return this; }
        /**
         * Sets {@code server}.
         *
         * @param server the server
         * @return this builder
         */
        public Builder server(TlsServer server) { this.server = server; return this; }
        /**
         * Sets {@code requestCert}.
         *
         * @param requestCert true to request a certificate from the peer
         * @return this builder
         */
        public Builder requestCert(boolean requestCert) { this.requestCert = requestCert; return this; }
        /**
         * Sets {@code rejectUnauthorized}.
         *
         * @param rejectUnauthorized true to fail connections whose peer certificate does not verify
         * @return this builder
         */
        public Builder rejectUnauthorized(boolean rejectUnauthorized) { this.rejectUnauthorized = rejectUnauthorized; return this; }
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
         * Sets {@code sniCallback}.
         *
         * @param sniCallback chooses a context by server name
         * @return this builder
         */
        public Builder sniCallback(SniCallback sniCallback) { this.sniCallback = sniCallback; return this; }
        /**
         * Sets {@code session}.
         *
         * @param session the session bytes
         * @return this builder
         */
        public Builder session(byte[] session) { this.session = session == null ? null : session.clone(); return this; }
        /**
         * Sets {@code requestOCSP}.
         *
         * @param requestOCSP the request oCSP
         * @return this builder
         */
        public Builder requestOCSP(boolean requestOCSP) { this.requestOCSP = requestOCSP; return this; }
        /**
         * Sets {@code secureContext}.
         *
         * @param secureContext the secure context
         * @return this builder
         */
        public Builder secureContext(SecureContext secureContext) { this.secureContext = secureContext; return this; }
        /**
         * Sets {@code handshakeTimeout}.
         *
         * @param handshakeTimeout the handshake timeout
         * @return this builder
         */
        public Builder handshakeTimeout(Duration handshakeTimeout) { this.handshakeTimeout = handshakeTimeout; return this; }
        /**
         * Node's {@code enableTrace}: OpenSSL's trace of every TLS message, on standard error.
         *
         * @param enableTrace true to trace the handshake on stderr
         * @return this builder
         */
        public Builder enableTrace(boolean enableTrace) { this.enableTrace = enableTrace; return this; }
        /**
         * Node's {@code pskCallback(socket, identity)}, for a server socket.
         *
         * @param callback called when done
         * @return this builder
         */
        public Builder pskCallback(PskServerCallback callback) { this.serverPskCallback = callback; return this; }
        /**
         * Node's {@code pskCallback(hint)}, for a client socket.
         *
         * @param callback called when done
         * @return this builder
         */
        public Builder pskCallback(PskClientCallback callback) { this.clientPskCallback = callback; return this; }
        /**
         * Node's {@code pskIdentityHint}, for a server socket.
         *
         * @param hint the PSK identity hint
         * @return this builder
         */
        public Builder pskIdentityHint(String hint) { this.pskIdentityHint = hint; return this; }
        /**
         * Node's {@code ALPNCallback}, for a server socket.
         *
         * @param callback called when done
         * @return this builder
         */
        public Builder alpnCallback(AlpnCallback callback) { this.alpnCallback = callback; return this; }
        /**
         * Node's {@code onread}: one reused buffer and a callback instead of {@code 'data'}
         * (Node applies it only when the TLS socket opens its own connection; jtls over any stream).
         *
         * @param onread the buffer and callback, or null for {@code 'data'}
         * @return this builder
         */
        public Builder onread(io.jtls.net.OnRead onread) { this.onread = onread; return this; }

        /**
         * Builds from the values set so far.
         *
         * @return the TLS socket options: builds from the values set so far
         */
        public TlsSocketOptions build() {
            return new TlsSocketOptions(isServer, server, requestCert, rejectUnauthorized, alpnProtocols, sniCallback,
                    session, requestOCSP, secureContext, handshakeTimeout, context.build(), enableTrace, serverPskCallback,
                    clientPskCallback, pskIdentityHint, alpnCallback, onread);
        }
    }
}
