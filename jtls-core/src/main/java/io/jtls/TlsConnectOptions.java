package io.jtls;

import io.jtls.context.SecureContextOptions;
import io.jtls.error.TlsRangeException;
import io.jtls.net.Duplex;
import io.jtls.net.EventLoop;
import io.jtls.net.Lookup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The options of Node's {@code tls.connect(options[, callback])}, with Node's defaults, plus
 * every {@code createSecureContext} option (used to build a context for this one connection
 * when {@code secureContext} is absent).
 *
 * @param host                host to connect to and, by default, to verify the certificate
 *                            against; null means {@code "localhost"}
 * @param port                TCP port
 * @param path                a Unix-domain socket path instead of host and port, or null
 * @param socket              an existing stream (connected or not, any {@link Duplex}) to run
 *                            TLS over instead of opening a connection; null to connect
 * @param rejectUnauthorized  fail the connection when the server's certificate does not verify
 *                            or does not match the host (default true)
 * @param alpnProtocols       ALPN protocols to offer, most preferred first, or null
 * @param servername          the SNI host name, also the name the certificate must carry; null
 *                            sends no SNI (as Node: it is not derived from {@code host}); an IP
 *                            address given here is not sent
 * @param checkServerIdentity the host name check; null means {@link Tls#checkServerIdentity}
 * @param session             a session (from {@link TlsSocket#SESSION} or
 *                            {@link TlsSocket#getSession()}) to resume, or null; a session the
 *                            server refuses, or bytes that are no session, give a full handshake,
 *                            never an error (Node); {@link TlsSocket#isSessionReused()} tells
 * @param minDHSize           the smallest finite-field DH group accepted, in bits (default 1024)
 * @param secureContext       the context to use; null builds one from {@code contextOptions}
 * @param lookup              the resolver for {@code host}, or null for the system's
 * @param timeout             {@link TlsSocket#setTimeout} on the new connection, or null
 * @param requestOCSP         ask for the server's OCSP staple
 * @param allowHalfOpen       keep the writable side open after the server ends (default false)
 * @param localAddress        local address to bind, or null
 * @param localPort           local port to bind, 0 for any
 * @param noDelay             disable Nagle's algorithm
 * @param keepAlive           enable TCP keep-alive
 * @param loop                the event loop of a new connection; null for the default group's next
 * @param contextOptions      the {@code createSecureContext} options
 * @param enableTrace         print every TLS message to standard error ({@link TlsSocket#enableTrace()})
 * @param pskCallback         Node's {@code pskCallback(hint)}: the PSK identity and key to offer, or null
 * @param onread              Node's {@code onread}: incoming plaintext goes into one reused buffer
 *                            and a callback instead of {@code 'data'} ({@link io.jtls.net.OnRead}; a
 *                            direct buffer is decrypted into straight), or null for {@code 'data'}
 */
public record TlsConnectOptions(String host, int port, Path path, Duplex socket, boolean rejectUnauthorized,
                                List<String> alpnProtocols, String servername, ServerIdentityCheck checkServerIdentity,
                                byte[] session, int minDHSize, SecureContext secureContext, Lookup lookup,
                                Duration timeout, boolean requestOCSP, boolean allowHalfOpen, String localAddress,
                                int localPort, boolean noDelay, boolean keepAlive, EventLoop loop,
                                SecureContextOptions contextOptions, boolean enableTrace, PskClientCallback pskCallback,
                                io.jtls.net.OnRead onread) {

    /** Checks and keeps the values. */
    public TlsConnectOptions {
        alpnProtocols = AlpnOption.of(alpnProtocols);
        session = session == null ? null : session.clone();
        checkServerIdentity = checkServerIdentity == null ? Tls.DEFAULT_IDENTITY_CHECK : checkServerIdentity;
        contextOptions = contextOptions == null ? SecureContextOptions.DEFAULTS : contextOptions;
        if (minDHSize <= 0) {
            throw new TlsRangeException("ERR_OUT_OF_RANGE",
                    "The value of \"options.minDHSize\" is out of range. It must be > 0. Received " + minDHSize);
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

    /**
     * A builder holding these options, to derive a variant.
     *
     * @return a builder holding these options, to derive a variant
     */
    public Builder toBuilder() {
        Builder b = new Builder().host(host).port(port).path(path).socket(socket)
                .rejectUnauthorized(rejectUnauthorized).servername(servername)
                .checkServerIdentity(checkServerIdentity).session(session).minDHSize(minDHSize)
                .secureContext(secureContext).lookup(lookup).timeout(timeout).requestOCSP(requestOCSP)
                .allowHalfOpen(allowHalfOpen).localAddress(localAddress).localPort(localPort).noDelay(noDelay)
                .keepAlive(keepAlive).loop(loop).secureContextOptions(contextOptions).pskCallback(pskCallback)
                .onread(onread);
        b.alpnProtocols = alpnProtocols;
        return b;
    }

    /** A builder with Node's defaults; every {@code createSecureContext} option is accepted too. */
    public static final class Builder extends ContextOptionsBuilder<Builder> {
        private String host;
        private int port;
        private Path path;
        private Duplex socket;
        private boolean rejectUnauthorized = true;
        private List<String> alpnProtocols;
        private String servername;
        private ServerIdentityCheck checkServerIdentity;
        private byte[] session;
        private int minDHSize = 1024;
        private SecureContext secureContext;
        private Lookup lookup;
        private Duration timeout;
        private boolean requestOCSP;
        private boolean allowHalfOpen;
        private String localAddress;
        private int localPort;
        private boolean noDelay;
        private boolean keepAlive;
        private EventLoop loop;
        private boolean enableTrace;
        private PskClientCallback pskCallback;
        private io.jtls.net.OnRead onread;

        private Builder() {}

        /**
         * Sets {@code host}.
         *
         * @param host the host name or address
         * @return this builder
         */
        public Builder host(String host) { this.host = host; return this; }
        /**
         * Sets {@code port}.
         *
         * @param port the port
         * @return this builder
         */
        public Builder port(int port) { this.port = port; return this; }
        /**
         * Sets {@code path}.
         *
         * @param path the path
         * @return this builder
         */
        public Builder path(Path path) { this.path = path; return this; }
        /**
         * Sets {@code socket}.
         *
         * @param socket the socket
         * @return this builder
         */
        public Builder socket(Duplex socket) { this.socket = socket; return this; }
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
         * Sets {@code servername}.
         *
         * @param servername the SNI server name
         * @return this builder
         */
        public Builder servername(String servername) { this.servername = servername; return this; }
        /**
         * Sets {@code checkServerIdentity}.
         *
         * @param check the check
         * @return this builder
         */
        public Builder checkServerIdentity(ServerIdentityCheck check) { this.checkServerIdentity = check; return this; }
        /**
         * Sets {@code session}.
         *
         * @param session the session bytes
         * @return this builder
         */
        public Builder session(byte[] session) { this.session = session == null ? null : session.clone(); return this; }
        /**
         * Sets {@code minDHSize}.
         *
         * @param minDHSize the min dHSize
         * @return this builder
         */
        public Builder minDHSize(int minDHSize) { this.minDHSize = minDHSize; return this; }
        /**
         * Sets {@code secureContext}.
         *
         * @param secureContext the secure context
         * @return this builder
         */
        public Builder secureContext(SecureContext secureContext) { this.secureContext = secureContext; return this; }
        /**
         * Sets {@code lookup}.
         *
         * @param lookup the lookup
         * @return this builder
         */
        public Builder lookup(Lookup lookup) { this.lookup = lookup; return this; }
        /**
         * Sets {@code timeout}.
         *
         * @param timeout the timeout
         * @return this builder
         */
        public Builder timeout(Duration timeout) { this.timeout = timeout; return this; }
        /**
         * Sets {@code requestOCSP}.
         *
         * @param requestOCSP the request oCSP
         * @return this builder
         */
        public Builder requestOCSP(boolean requestOCSP) { this.requestOCSP = requestOCSP; return this; }
        /**
         * Sets {@code allowHalfOpen}.
         *
         * @param allowHalfOpen true to keep the writable side open after the peer's end
         * @return this builder
         */
        public Builder allowHalfOpen(boolean allowHalfOpen) { this.allowHalfOpen = allowHalfOpen; return this; }
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
         * Sets {@code loop}.
         *
         * @param loop the event loop
         * @return this builder
         */
        public Builder loop(EventLoop loop) { this.loop = loop; return this; }
        /**
         * Node's {@code enableTrace}: OpenSSL's trace of every TLS message, on standard error.
         *
         * @param enableTrace true to trace the handshake on stderr
         * @return this builder
         */
        public Builder enableTrace(boolean enableTrace) { this.enableTrace = enableTrace; return this; }
        /**
         * Node's {@code pskCallback(hint)}.
         *
         * @param callback called when done
         * @return this builder
         */
        public Builder pskCallback(PskClientCallback callback) { this.pskCallback = callback; return this; }
        /**
         * Node's {@code onread}: one reused buffer and a callback instead of {@code 'data'}.
         *
         * @param onread the buffer and callback, or null for {@code 'data'}
         * @return this builder
         */
        public Builder onread(io.jtls.net.OnRead onread) { this.onread = onread; return this; }

        /**
         * Builds from the values set so far.
         *
         * @return the TLS connect options: builds from the values set so far
         */
        public TlsConnectOptions build() {
            return new TlsConnectOptions(host, port, path, socket, rejectUnauthorized, alpnProtocols, servername,
                    checkServerIdentity, session, minDHSize, secureContext, lookup, timeout, requestOCSP,
                    allowHalfOpen, localAddress, localPort, noDelay, keepAlive, loop, context.build(), enableTrace,
                    pskCallback, onread);
        }
    }
}
