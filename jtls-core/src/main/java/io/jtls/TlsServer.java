package io.jtls;

import io.jtls.context.SecureContextOptions;
import io.jtls.error.TlsArgumentException;
import io.jtls.error.TlsException;
import io.jtls.internal.context.NativeSecureContext;
import io.jtls.internal.context.SecureContexts;
import io.jtls.internal.engine.AlpnList;
import io.jtls.internal.engine.OptionalHook;
import io.jtls.internal.jfr.TicketKeyChangeEvent;
import io.jtls.internal.tls.HandshakeRecording;
import io.jtls.internal.tls.HandshakeSlots;
import io.jtls.internal.tls.KeylogFile;
import io.jtls.internal.tls.PskFlow;
import io.jtls.internal.tls.RingTicketKeys;
import io.jtls.internal.tls.ServerHooks;
import io.jtls.internal.tls.ServerNamePattern;
import io.jtls.internal.tls.ServerPolicy;
import io.jtls.internal.tls.Warnings;
import io.jtls.net.Duplex;
import io.jtls.net.Event;
import io.jtls.net.EventKey;
import io.jtls.net.Server;
import io.jtls.net.Socket;
import io.jtls.session.SessionStore;
import io.jtls.session.SessionStoreListeners;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Node's {@code tls.Server}: a {@link Server} whose connections become {@link TlsSocket}s.
 * Made by {@link Tls#createServer(TlsServerOptions, Consumer)}.
 *
 * <h2>Events</h2>
 * {@link #SECURE_CONNECTION} (a handshake completed: the socket, with {@code authorized},
 * {@code alpnProtocol}, {@code servername} set), {@link #TLS_CLIENT_ERROR} (a connection failed
 * before it was secure: the error, with Node's code, and the socket, already being destroyed),
 * and {@code net.Server}'s {@link #CONNECTION} (the raw socket, before TLS), {@link #LISTENING},
 * {@link #CLOSE}, {@link #ERROR}; for resumption by session id {@link #NEW_SESSION} and
 * {@link #RESUME_SESSION} (or {@link TlsServerOptions#sessionStore()}); for OCSP stapling
 * {@link #OCSP_REQUEST}. {@link #KEYLOG}: {@code (line, socket)} for the connections that arrive
 * while it has a listener (Node's rule), each NSS key log line.
 *
 * <h2>Session resumption</h2>
 * Tickets are on by default, sealed with keys shared by every loop of the server (one
 * {@code SSL_CTX}): {@code ticketKeys}, {@link #getTicketKeys()}, {@link #setTicketKeys}, or a
 * rotating {@link TlsServerOptions#ticketKeyRing()}. Resumption by session id (TLS 1.2 clients
 * without tickets, or {@code SSL_OP_NO_TICKET}, which also makes TLS 1.3 tickets stateful) goes
 * through {@link #NEW_SESSION}/{@link #RESUME_SESSION}; they take effect for connections that
 * arrive while a listener of either exists (Node's rule). Sessions expire after
 * {@code sessionTimeout} (300 s) and never resume on a server with another
 * {@code sessionIdContext}.
 *
 * <h2>Contexts</h2>
 * All connections share the server's secure context (one {@code SSL_CTX}, so ticket keys and
 * the session cache are shared by every loop the server accepts on).
 * {@link #setSecureContext} swaps it for new connections; open ones keep theirs.
 * {@link #addContext} adds a context per host name for SNI. The server owns the contexts it built
 * and frees them once it has closed (after {@code 'close'}); listening again rebuilds them with
 * the same options and ticket keys.
 *
 * <h2>Observability</h2>
 * {@link #stats()} counts connections, handshakes by outcome, protocol and error code, resumptions
 * and bytes ({@link TlsServerStats}). With a JDK Flight Recorder recording, each handshake is
 * an {@code io.jtls.HandshakeCompleted} or {@code io.jtls.HandshakeFailed} event, each session
 * store call an {@code io.jtls.SessionStoreGet}/{@code io.jtls.SessionStorePut}, each ticket key
 * change an {@code io.jtls.TicketKeyRotation} (see the README's Observability section).
 *
 * <p>Threading: {@code 'secureConnection'} and {@code 'tlsClientError'} are emitted on the
 * connection's loop; every method may be called from any thread.
 */
public class TlsServer extends Server {
    /** {@code 'secureConnection'}: a connection is secure (and, with {@code requestCert}, checked). */
    public static final Event<TlsSocket> SECURE_CONNECTION = new Event<>("secureConnection");
    /** {@code 'tlsClientError'}: {@code (error, tlsSocket)} for a connection that failed before it was secure. */
    public static final EventKey<BiConsumer<Throwable, TlsSocket>> TLS_CLIENT_ERROR = new NamedEventKey<>("tlsClientError");
    /**
     * {@code 'newSession'}: {@code (sessionId, sessionData, done)}, for each session a client may
     * resume by id: TLS 1.2 and below without tickets, TLS 1.3 with stateful tickets (the id is
     * the ticket). Nothing more is sent to the client, and the handshake is not complete, until
     * {@code done} runs (from any thread, any time; later calls do nothing). Node also emits it
     * for TLS 1.3 stateless tickets, whose sessions no lookup can find; jtls does not.
     */
    public static final EventKey<NewSessionListener> NEW_SESSION = new NamedEventKey<>("newSession");
    /**
     * {@code 'resumeSession'}: {@code (sessionId, callback)} when a client offers a session id
     * (TLS 1.2) or a stateful TLS 1.3 ticket: the handshake waits for
     * {@code callback(null, sessionData)} (resume; data that is no session, expired, or of
     * another {@code sessionIdContext} gives a full handshake), {@code callback(null, null)} (a
     * miss: full handshake) or {@code callback(err, null)} (the socket is destroyed: a
     * {@link #TLS_CLIENT_ERROR}). From any thread, any time; a second call destroys the socket
     * with {@code ERR_MULTIPLE_CALLBACK}; calls after the socket was destroyed are ignored. Unlike
     * Node, the random legacy session id of a TLS 1.3 ClientHello is not looked up.
     */
    public static final EventKey<ResumeSessionListener> RESUME_SESSION = new NamedEventKey<>("resumeSession");
    /**
     * {@code 'OCSPRequest'}: {@code (certificate, issuer, callback)} when a client asks for an OCSP
     * staple ({@code status_request}) on a full handshake, after {@code SNICallback}: the DER of
     * the certificate of the context SNI chose (else the server's; Node's
     * {@code context.getCertificate()}) and of its issuer, found in its chain or among the trusted
     * certificates (null when neither has it). The handshake waits for
     * {@code callback(null, response)} (stapled, in TLS 1.3 too, where Node staples nothing),
     * {@code callback(null, null)} (nothing stapled) or {@code callback(err, null)} (the socket is
     * destroyed: a {@link #TLS_CLIENT_ERROR}). From any thread, any time; a second call destroys
     * the socket with {@code ERR_MULTIPLE_CALLBACK}. Takes effect for connections that arrive while
     * a listener exists. {@code io.jtls.ocsp.OcspStapler} is a ready-made listener.
     */
    public static final EventKey<OcspRequestListener> OCSP_REQUEST = new NamedEventKey<>("OCSPRequest");
    /**
     * {@code 'keylog'}: {@code (line, tlsSocket)}, each NSS key log line (with its newline) of the
     * connections accepted while a listener exists, as Node; after the socket's own
     * {@link TlsSocket#KEYLOG} listeners. On the connection's loop.
     */
    public static final EventKey<BiConsumer<byte[], TlsSocket>> KEYLOG = new NamedEventKey<>("keylog");

    /** Node's {@code 'newSession'} listener. Call {@code done} once the session is stored. */
    @FunctionalInterface
    public interface NewSessionListener {
        /**
         * Called on new session.
         *
         * @param sessionId the session id
         * @param sessionData the serialized session
         * @param done the done
         */
        void onNewSession(byte[] sessionId, byte[] sessionData, Runnable done);
    }

    /** The callback of {@code 'resumeSession'}: {@code (null, data)} to resume, {@code (null, null)} for a miss, {@code (err, null)} to fail. */
    @FunctionalInterface
    public interface ResumeSessionCallback {
        /**
         * Called with the outcome.
         *
         * @param error the error, or null
         * @param sessionData the serialized session
         */
        void call(Throwable error, byte[] sessionData);
    }

    /** Node's {@code 'resumeSession'} listener. */
    @FunctionalInterface
    public interface ResumeSessionListener {
        /**
         * Called on resume session.
         *
         * @param sessionId the session id
         * @param callback called when done
         */
        void onResumeSession(byte[] sessionId, ResumeSessionCallback callback);
    }

    /**
     * The callback of {@code 'OCSPRequest'}: {@code (null, response)}, {@code (null, null)} for
     * none, {@code (err, null)} to fail. Also a {@code BiConsumer}, so that a listener written
     * against the JDK's types (such as {@code OcspStapler::onOcspRequest}) plugs in directly.
     * Runs on the connection's event loop: never block in it; the callback may be completed
     * later, from any thread.
     */
    @FunctionalInterface
    public interface OcspCallback extends BiConsumer<Throwable, byte[]> {
        /**
         * Called with the outcome.
         *
         * @param error the error, or null
         * @param response the response
         */
        void call(Throwable error, byte[] response);

        @Override
        default void accept(Throwable error, byte[] response) {
            call(error, response);
        }
    }

    /** Node's {@code 'OCSPRequest'} listener: DER certificate and issuer (issuer may be null). */
    @FunctionalInterface
    public interface OcspRequestListener {
        /**
         * Called on ocsp request.
         *
         * @param certificate the certificate
         * @param issuer the issuer
         * @param callback called when done
         */
        void onOcspRequest(byte[] certificate, byte[] issuer, OcspCallback callback);
    }

    /**
     * Node's documented default {@code sessionTimeout} for servers, in seconds: 300 (OpenSSL's
     * own is 7200, which Node v20 leaves in place despite its documentation).
     * Runs on the connection's event loop: never block in it; the callback may be completed
     * later, from any thread.
     */
    public static final int DEFAULT_SESSION_TIMEOUT = 300;

    /** Node's per-process default {@code sessionIdContext}: a hash of the command line. */
    private static final String DEFAULT_SESSION_ID_CONTEXT = defaultSessionIdContext();

    /** A context for an SNI name pattern ({@link #addContext}). */
    private static final class NamedContext {
        final ServerNamePattern pattern;
        final SecureContextOptions options; // null when the caller gave a SecureContext (not ours to close)
        volatile SecureContext context;

        NamedContext(ServerNamePattern pattern, SecureContextOptions options, SecureContext context) {
            this.pattern = pattern;
            this.options = options;
            this.context = context;
        }
    }

    private final TlsServerOptions options;
    /** ALPNProtocols in wire format, encoded once for every connection of this server. */
    private final AlpnList alpn;
    private final Duration handshakeTimeout;
    /** The maxHandshakes option's slots, or null without a limit (Node). */
    private final HandshakeSlots handshakeSlots;
    private final List<NamedContext> contexts = new CopyOnWriteArrayList<>();
    private final Object contextLock = new Object();
    /** Counts listen calls (guarded by contextLock), so that a stale release after 'close' does nothing. */
    private long listenGeneration;
    private volatile SecureContextOptions contextOptions;
    private volatile SecureContext sharedContext; // null while closed
    private final ServerCounters counters = new ServerCounters();

    /**
     * Node's {@code new tls.Server(options[, secureConnectionListener])}.
     *
     * @param options the options
     * @param secureConnectionListener the secure connection listener
     * @throws TlsException when the secure context cannot be built from the options
     */
    @SuppressWarnings("this-escape") // listeners touch only the emitter's own state
    public TlsServer(TlsServerOptions options, Consumer<TlsSocket> secureConnectionListener) {
        super(options.netOptions(), null);
        this.options = options;
        this.alpn = AlpnList.of(options.alpnProtocols());
        if (options.pskCallback() != null) {
            PskFlow.checkIdentityHint(options.pskIdentityHint()); // Node: a 'tlsClientError' per connection
        }
        Duration timeout = options.handshakeTimeout();
        // Node: `handshakeTimeout || 120000`, and a negative value means none.
        this.handshakeTimeout = timeout.isZero() ? TlsServerOptions.DEFAULT_HANDSHAKE_TIMEOUT
                : timeout.isNegative() ? null : timeout;
        this.handshakeSlots = options.maxHandshakes() > 0 ? new HandshakeSlots(options.maxHandshakes()) : null;
        this.contextOptions = serverDefaults(options.contextOptions(), null);
        this.sharedContext = buildShared(contextOptions);
        if (options.sessionStore() != null) {
            installSessionStore(options.sessionStore(), contextOptions.sessionTimeout());
        }
        on(CONNECTION, this::onConnection);
        on(CLOSE, () -> {
            long closedGeneration;
            synchronized (contextLock) {
                closedGeneration = listenGeneration;
            }
            loop().execute(() -> releaseContextsIfClosed(closedGeneration));
        });
        if (secureConnectionListener != null) {
            on(SECURE_CONNECTION, secureConnectionListener);
        }
    }

    // ------------------------------------------------------------------ connections

    /**
     * Node's {@code tlsConnectionListener}: wraps each accepted socket (on its loop), at once or,
     * with {@code maxHandshakes}, once a handshake slot is free.
     */
    private void onConnection(Socket raw) {
        counters.opened(raw);
        raw.once(Duplex.CLOSE, hadError -> counters.closed(raw));
        if (handshakeSlots == null) {
            startTls(raw, null);
        } else {
            handshakeSlots.admit(raw, handshakeTimeout, release -> startTls(raw, release));
        }
    }

    /** The TLS layer over {@code raw}; {@code release} (may be null) runs when its first handshake completes. */
    private void startTls(Socket raw, Runnable release) {
        SniCallback sni = options.sniCallback() != null ? options.sniCallback()
                : contexts.isEmpty() ? null : this::defaultSniCallback;
        while (true) {
            SecureContext context = sharedContext;
            if (context == null) {
                raw.destroy(); // closed while this connection was on its way
                return;
            }
            try {
                SniCallback callback = sni;
                TlsSocket socket = new TlsSocket(raw, new TlsSocket.Shape(this, options.alpnProtocols(), sni, null, false),
                        s -> withCallbacks(new ServerPolicy(alpn, options.requestCert(),
                                options.rejectUnauthorized(), CallbackAdapters.sniSelector(callback), hooksFor(s),
                                Tls.CLIENT_RENEG_LIMIT, Tls.CLIENT_RENEG_WINDOW), s),
                        context, null, handshakeTimeout);
                if (release != null) {
                    socket.once(TlsSocket.SECURE, release); // and the raw socket's 'close' (HandshakeSlots)
                }
                if (options.enableTrace()) {
                    socket.enableTraceBeforeBegin();
                }
                adoptStream(raw, socket); // close(Duration) ends the TLS layer: close_notify, then FIN
                socket.begin();
                return;
            } catch (IllegalStateException closed) {
                if (context == sharedContext) { // not a swap by setSecureContext: give up on this one
                    raw.destroy(closed);
                    return;
                }
            } catch (RuntimeException e) {
                raw.destroy();
                emit(ERROR, e);
                return;
            }
        }
    }

    /** Node's {@code ALPNCallback}, {@code pskCallback} and {@code pskIdentityHint} for one connection. */
    private ServerPolicy withCallbacks(ServerPolicy policy, TlsSocket socket) {
        return CallbackAdapters.server(policy, socket, options.alpnCallback(), options.pskCallback(), options.pskIdentityHint());
    }

    /** Node's default {@code SNICallback}: the last {@link #addContext} whose pattern matches. */
    private void defaultSniCallback(String servername, BiConsumer<Throwable, SecureContext> callback) {
        for (int i = contexts.size() - 1; i >= 0; i--) {
            NamedContext named = contexts.get(i);
            SecureContext context = named.context;
            if (context != null && named.pattern.matches(servername)) {
                callback.accept(null, context);
                return;
            }
        }
        callback.accept(null, null);
    }

    /** What {@code socket}'s connection asks of this server: session callbacks and events, on its loop. */
    ServerHooks hooksFor(TlsSocket socket) {
        return new ServerHooks() {
            @Override
            public boolean sessionCallbacks() {
                return listenerCount(NEW_SESSION) > 0 || listenerCount(RESUME_SESSION) > 0;
            }

            @Override
            public boolean resumeSessionListened() {
                return listenerCount(RESUME_SESSION) > 0;
            }

            @Override
            public boolean newSession(byte[] id, byte[] data, Runnable done) {
                return emitWith(NEW_SESSION, l -> l.onNewSession(id, data, done));
            }

            @Override
            public boolean resumeSession(byte[] id, BiConsumer<Throwable, byte[]> callback) {
                ResumeSessionCallback c = callback::accept;
                return emitWith(RESUME_SESSION, l -> l.onResumeSession(id, c));
            }

            @Override
            public boolean ocspRequestListened() {
                return listenerCount(OCSP_REQUEST) > 0;
            }

            @Override
            public boolean ocspRequest(NativeSecureContext sniContext, BiConsumer<Throwable, byte[]> callback) {
                // Node's requestOCSP: the SNI context, else the one the connection was made from.
                NativeSecureContext context = sniContext != null ? sniContext : SecureContexts.nativeOf(socket.secureContext());
                byte[] certificate = context.certificate();
                byte[] issuer = context.issuer();
                OcspCallback c = callback::accept;
                return emitWith(OCSP_REQUEST, l -> l.onOcspRequest(certificate, issuer, c));
            }

            @Override
            public void secureConnection() {
                counters.completed(socket.getProtocol(), socket.isSessionReused());
                emit(SECURE_CONNECTION, socket);
            }

            @Override
            public void clientError(Throwable error) {
                // Node's onSocketTLSError; the socket is already being destroyed.
                counters.failed(HandshakeRecording.failureCode(error));
                if (!emitWith(TLS_CLIENT_ERROR, listener -> listener.accept(error, socket))) {
                    logUnheardClientError(error, socket);
                }
            }
        };
    }

    /**
     * A {@code 'tlsClientError'} nobody listens to: Node drops it silently; jtls logs one line
     * with the code and the peer, by code as an unhandled {@code 'error'} is
     * ({@code DEBUG} for a client that went away, {@code INFO} for a TLS failure, judged by the
     * cause when there is one: a rejected client certificate), the stack trace only at
     * {@code DEBUG}.
     */
    private void logUnheardClientError(Throwable error, TlsSocket socket) {
        System.Logger log = System.getLogger("io.jtls");
        String code = error instanceof TlsException t ? t.code() : null;
        String causeCode = error.getCause() instanceof TlsException t ? t.code() : null;
        System.Logger.Level level = causeCode != null ? levelOf(causeCode)
                : code != null ? levelOf(code) : System.Logger.Level.WARNING;
        if (!log.isLoggable(level)) {
            return;
        }
        String line = "tlsClientError on " + socket.describe() + ": " + (code == null ? error.getClass().getName() + " " : code + " ")
                + error.getMessage() + (error.getCause() == null ? ""
                        : " (cause: " + (causeCode == null ? "" : causeCode + " ") + error.getCause().getMessage() + ")");
        if (log.isLoggable(System.Logger.Level.DEBUG)) {
            log.log(level, line, error);
        } else {
            log.log(level, line);
        }
    }

    /**
     * The {@link TlsServerOptions#sessionStore()} option: Node's {@code 'newSession'} and
     * {@code 'resumeSession'} listeners written over the store ({@link SessionStoreListeners}
     * with its defaults: {@code newSession} waits for the put; a failed or slow get (2 s) is a
     * miss). Entries live as long as OpenSSL lets the session resume: the server's
     * {@code sessionTimeout}, or OpenSSL's default of 7200 s when it is 0.
     */
    private void installSessionStore(SessionStore store, Integer sessionTimeout) {
        int seconds = sessionTimeout == null ? DEFAULT_SESSION_TIMEOUT
                : sessionTimeout > 0 ? sessionTimeout : OPENSSL_DEFAULT_TIMEOUT;
        SessionStoreListeners listeners = SessionStoreListeners.builder(store).ttl(Duration.ofSeconds(seconds)).build();
        on(NEW_SESSION, listeners::newSession);
        on(RESUME_SESSION, (id, callback) -> listeners.resumeSession(id, callback::call));
    }

    /** OpenSSL's session timeout when {@code SSL_CTX_set_timeout} got 0 ({@code SSL_get_default_timeout}). */
    private static final int OPENSSL_DEFAULT_TIMEOUT = 7200;

    // ------------------------------------------------------------------ contexts

    /**
     * Node's {@code server.addContext(hostname, context)}: connections whose SNI name matches
     * {@code hostname} (exactly, or a wildcard such as {@code *.example.com}: see Node's rules in
     * {@link ServerNamePattern}) use a context built from {@code options}. Later additions win.
     *
     * @param hostname the host name
     * @param options the options
     * @return this server
     * @throws TlsException {@code ERR_TLS_REQUIRED_SERVER_NAME} for an empty name, or the
     *                      context's error for bad options
     */
    public TlsServer addContext(String hostname, SecureContextOptions options) {
        ServerNamePattern pattern = ServerNamePattern.of(hostname);
        contexts.add(new NamedContext(pattern, options, Tls.createSecureContext(options)));
        return this;
    }

    /**
     * {@link #addContext(String, SecureContextOptions)} with a context the caller keeps owning.
     *
     * @param hostname the host name
     * @param context the secure context
     * @return this server
     */
    public TlsServer addContext(String hostname, SecureContext context) {
        ServerNamePattern pattern = ServerNamePattern.of(hostname);
        contexts.add(new NamedContext(pattern, null, java.util.Objects.requireNonNull(context, "context")));
        return this;
    }

    /**
     * Node's {@code server.setSecureContext(options)}: new connections use a context built from
     * {@code options} (with the server's defaults); open connections are not disturbed.
     *
     * @param options the options
     * @return this server
     */
    public TlsServer setSecureContext(SecureContextOptions options) {
        synchronized (contextLock) {
            SecureContextOptions merged = serverDefaults(options, contextOptions);
            SecureContext fresh = buildShared(merged);
            SecureContext old = sharedContext;
            contextOptions = merged;
            sharedContext = fresh;
            if (old != null) {
                old.close(); // connections using it hold their own references
            }
        }
        return this;
    }

    /**
     * The context new connections use now (Node's {@code server._sharedCreds}); null once closed.
     *
     * @return the context new connections use now (Node's {@code server._sharedCreds}); null once closed
     */
    public SecureContext secureContext() {
        return sharedContext;
    }

    /**
     * Node's {@code server.getTicketKeys()}: the 48 bytes that seal session tickets (with a
     * {@link TlsServerOptions#ticketKeyRing()}, its current key).
     *
     * @return Node's {@code server.getTicketKeys()}: the 48 bytes that seal session tickets (with a {@link
     *         TlsServerOptions#ticketKeyRing()}, its current key)
     */
    public byte[] getTicketKeys() {
        if (options.ticketKeyRing() != null) {
            return options.ticketKeyRing().getTicketKeys();
        }
        synchronized (contextLock) {
            SecureContext context = sharedContext;
            return context == null ? contextOptions.ticketKeys() : SecureContexts.nativeOf(context).ticketKeys();
        }
    }

    /**
     * Node's {@code server.setTicketKeys(keys)}: the keys for tickets issued and accepted from now on.
     *
     * @param keys the keys
     * @throws io.jtls.error.TlsArgumentException {@code ERR_INVALID_ARG_VALUE} unless exactly 48 bytes
     */
    public void setTicketKeys(byte[] keys) {
        if (options.ticketKeyRing() != null) {
            if (keys == null || keys.length != 48) {
                throw new TlsArgumentException("ERR_INVALID_ARG_VALUE", "The property 'keys' must be exactly 48 bytes. Received "
                        + (keys == null ? "null" : keys.length));
            }
            options.ticketKeyRing().setTicketKeys(keys); // replaces every key of the ring, as Node
            return;
        }
        synchronized (contextLock) {
            SecureContext context = sharedContext;
            if (context != null) {
                SecureContexts.nativeOf(context).setTicketKeys(keys);
            }
            contextOptions = contextOptions.toBuilder().ticketKeys(keys).build();
        }
        if (TicketKeyChangeEvent.PROBE.isEnabled() && keys != null && keys.length == 48) { // a ring records its own changes
            TicketKeyChangeEvent event = new TicketKeyChangeEvent();
            event.change = "setTicketKeys";
            event.generation = -1;
            event.keys = 1;
            event.currentKeyName = HexFormat.of().formatHex(keys, 0, 16);
            event.commit();
        }
    }

    /**
     * What this server has done since it was made: open connections, handshakes completed
     * (by protocol, resumed or not) and failed (by code), bytes in and out including closed
     * connections. From any thread; the counters are per-thread striped ({@code LongAdder}), so
     * counting costs the loops no shared lock; a call reads each open connection's byte counts,
     * so it costs in proportion to the connections open, and waits (spinning, then yielding) for a
     * connection caught half-way through closing on another loop, so that byte counts never go
     * back between two calls: call it from a monitoring thread rather than a loop.
     *
     * @return an immutable snapshot
     */
    public TlsServerStats stats() {
        return counters.snapshot(super.connections()); // not this class's connections(), which warns DEP0020
    }

    /** The server's own context from {@code o}, with the optional hooks its connections may use now. */
    private SecureContext buildShared(SecureContextOptions o) {
        return withTicketKeyRing(SecureContext.create(o, hooksInUse()));
    }

    /**
     * The optional context hooks ({@link OptionalHook}) this server's connections may use now:
     * the session cache for a store or a {@link #NEW_SESSION}/{@link #RESUME_SESSION} listener, the
     * key log for a {@link #KEYLOG} listener or the key log file. Without them a handshake makes
     * fewer upcalls.
     */
    private Set<OptionalHook> hooksInUse() {
        EnumSet<OptionalHook> hooks = EnumSet.noneOf(OptionalHook.class);
        if (options.sessionStore() != null || listenerCount(NEW_SESSION) > 0 || listenerCount(RESUME_SESSION) > 0) {
            hooks.add(OptionalHook.SESSION_CACHE);
        }
        if (listenerCount(KEYLOG) > 0 || KeylogFile.isConfigured()) {
            hooks.add(OptionalHook.KEY_LOG);
        }
        return hooks;
    }

    /**
     * A listener that needs a hook the server's context lacks: as Node's listeners apply to the
     * connections that arrive after they were added, those get a new context with the hook (the
     * ticket keys carried over, so that tickets already issued still resume); open connections
     * keep theirs. A context is never reconfigured.
     */
    @Override
    protected void listenerAdded(EventKey<?> key) {
        super.listenerAdded(key);
        if (key != NEW_SESSION && key != RESUME_SESSION && key != KEYLOG) {
            return;
        }
        synchronized (contextLock) {
            SecureContext current = sharedContext;
            if (current == null || SecureContexts.nativeOf(current).hooks().containsAll(hooksInUse())) {
                return; // none yet (built with the hooks later), or it has them
            }
            contextOptions = contextOptions.toBuilder().ticketKeys(SecureContexts.nativeOf(current).ticketKeys()).build();
            sharedContext = buildShared(contextOptions);
            current.close(); // connections using it hold their own references
        }
    }

    private SecureContext withTicketKeyRing(SecureContext context) {
        if (options.ticketKeyRing() != null) {
            SecureContexts.nativeOf(context).setTicketKeySource(new RingTicketKeys(options.ticketKeyRing()));
        }
        return context;
    }

    /**
     * The server's options.
     *
     * @return the server's options
     */
    public TlsServerOptions options() {
        return options;
    }

    // ------------------------------------------------------------------ net.Server, with TLS's return type

    @Override
    public TlsServer listen(int port) {
        return listen(port, null, 511, null);
    }

    @Override
    public TlsServer listen(int port, Runnable onListening) {
        return listen(port, null, 511, onListening);
    }

    @Override
    public TlsServer listen(int port, String host, Runnable onListening) {
        return listen(port, host, 511, onListening);
    }

    /** Node's {@code server.listen(port[, host][, backlog][, callback])}. */
    @Override
    public TlsServer listen(int port, String host, int backlog, Runnable onListening) {
        rebuildContextsIfClosed();
        warnIfNoIdentity();
        super.listen(port, host, backlog, onListening);
        return this;
    }

    @Override
    public java.util.concurrent.CompletableFuture<io.jtls.net.AddressInfo> listenAsync(int port, String host) {
        rebuildContextsIfClosed();
        return super.listenAsync(port, host);
    }

    /** Node's {@code server.listen(options[, callback])}: a port or a path, and {@code reusePort}. */
    @Override
    public TlsServer listen(io.jtls.net.ListenOptions listenOptions, Runnable onListening) {
        rebuildContextsIfClosed();
        warnIfNoIdentity();
        super.listen(listenOptions, onListening);
        return this;
    }

    @Override
    public java.util.concurrent.CompletableFuture<io.jtls.net.AddressInfo> listenAsync(io.jtls.net.ListenOptions listenOptions) {
        rebuildContextsIfClosed();
        return super.listenAsync(listenOptions);
    }

    /** Node's {@code server.listen(path[, callback])} on a Unix-domain socket. */
    @Override
    public TlsServer listen(Path path, Runnable onListening) {
        rebuildContextsIfClosed();
        warnIfNoIdentity();
        super.listen(path, onListening);
        return this;
    }

    @Override
    public TlsServer listen(Path path) {
        return listen(path, null);
    }


    @Override
    public TlsServer close(Consumer<Throwable> callback) {
        super.close(callback);
        return this;
    }

    /**
     * Node's deprecated {@code server.connections}: the number of open connections. Warns once
     * ({@code DEP0020}); use {@link #getConnections}.
     */
    @Override
    public int connections() {
        Warnings.once("DEP0020", "Server.connections property is deprecated. Use Server.getConnections method instead.");
        return super.connections();
    }

    // ------------------------------------------------------------------ owned contexts

    /**
     * Frees the contexts after {@code 'close'}, unless {@link #listen} was called since (a
     * listen from another thread can run before this task, while {@code listening()} is still
     * false: its connections need the contexts).
     */
    private void releaseContextsIfClosed(long closedGeneration) {
        synchronized (contextLock) {
            if (closedGeneration != listenGeneration || listening() || sharedContext == null) {
                return;
            }
            SecureContext shared = sharedContext;
            // Keep the ticket keys: a server that listens again accepts its old tickets.
            contextOptions = contextOptions.toBuilder().ticketKeys(SecureContexts.nativeOf(shared).ticketKeys()).build();
            sharedContext = null;
            shared.close();
            for (NamedContext named : contexts) {
                if (named.options != null && named.context != null) {
                    named.context.close();
                    named.context = null;
                }
            }
        }
    }

    /**
     * A server with no certificate, no {@code SNICallback}, no {@link #addContext} and no
     * {@code pskCallback} can complete no handshake (each fails with {@code no shared cipher}).
     * Node listens all the same, and so does jtls, after one WARNING line; checked at
     * {@code listen}, not at construction, since {@link #addContext} may come in between.
     */
    private void warnIfNoIdentity() {
        SecureContext context = sharedContext;
        if (warnedNoIdentity || context == null || SecureContexts.nativeOf(context).certificate() != null
                || options.sniCallback() != null || !contexts.isEmpty() || options.pskCallback() != null) {
            return;
        }
        warnedNoIdentity = true;
        System.getLogger("io.jtls").log(System.Logger.Level.WARNING, "server that can never complete a handshake:"
                + " no options.key/options.cert/options.pfx, no SNICallback, no addContext and no pskCallback"
                + " (Node accepts this too)");
    }

    private volatile boolean warnedNoIdentity;

    private void rebuildContextsIfClosed() {
        synchronized (contextLock) {
            listenGeneration++; // a release still queued from an earlier 'close' is now stale
            if (sharedContext != null) {
                return;
            }
            sharedContext = buildShared(contextOptions);
            for (NamedContext named : contexts) {
                if (named.options != null && named.context == null) {
                    named.context = Tls.createSecureContext(named.options);
                }
            }
        }
    }

    /**
     * Node's {@code Server.setSecureContext} defaults: {@code honorCipherOrder} true, a
     * per-process {@code sessionIdContext}, and the server's {@code ticketKeys} and
     * {@code sessionTimeout} when the new options lack them.
     */
    private static SecureContextOptions serverDefaults(SecureContextOptions given, SecureContextOptions previous) {
        SecureContextOptions o = given == null ? SecureContextOptions.DEFAULTS : given;
        SecureContextOptions.Builder b = o.toBuilder();
        if (o.honorCipherOrder() == null) {
            b.honorCipherOrder(true);
        }
        if (o.sessionIdContext() == null || o.sessionIdContext().isEmpty()) {
            b.sessionIdContext(DEFAULT_SESSION_ID_CONTEXT);
        }
        if (previous != null) {
            if (o.ticketKeys() == null && previous.ticketKeys() != null) {
                b.ticketKeys(previous.ticketKeys());
            }
            if (o.sessionTimeout() == null && previous.sessionTimeout() != null) {
                b.sessionTimeout(previous.sessionTimeout());
            }
        }
        if (o.sessionTimeout() == null && (previous == null || previous.sessionTimeout() == null)) {
            b.sessionTimeout(DEFAULT_SESSION_TIMEOUT);
        }
        return b.build();
    }

    /** Node: {@code sha1(process.argv.join(' ')).hex.slice(0, 32)}; here the JVM's command line. */
    private static String defaultSessionIdContext() {
        String commandLine = ProcessHandle.current().info().commandLine().orElse("jtls");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(commandLine.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JDK", e);
        }
    }

    @Override
    protected String describe() {
        return "TlsServer[" + where() + "]";
    }

    // Node's emitter methods, returning this TlsServer so that calls chain on the receiver's own type.

    @Override
    public <L> TlsServer on(io.jtls.net.EventKey<L> key, L listener) {
        super.on(key, listener);
        return this;
    }

    @Override
    public <L> TlsServer once(io.jtls.net.EventKey<L> key, L listener) {
        super.once(key, listener);
        return this;
    }

    @Override
    public <L> TlsServer off(io.jtls.net.EventKey<L> key, L listener) {
        super.off(key, listener);
        return this;
    }

    @Override
    public TlsServer ref() {
        super.ref();
        return this;
    }

    @Override
    public TlsServer unref() {
        super.unref();
        return this;
    }
}
