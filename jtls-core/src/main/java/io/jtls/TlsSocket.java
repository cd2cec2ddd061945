package io.jtls;

import io.jtls.x509.Certificate;
import io.jtls.handshake.CipherInfo;
import io.jtls.handshake.EphemeralKeyInfo;
import io.jtls.context.SecureContextOptions;
import io.jtls.error.TlsException;

import io.jtls.internal.context.SecureContexts;
import io.jtls.internal.engine.CertCallbackInfo;
import io.jtls.internal.engine.EngineState;
import io.jtls.internal.engine.TlsEngine;
import io.jtls.internal.tls.HandshakeRecordWatch;
import io.jtls.internal.tls.LoopBuffers;
import io.jtls.internal.tls.PlaintextQueue;
import io.jtls.internal.tls.RenegotiationLimit;
import io.jtls.internal.tls.Warnings;
import io.jtls.internal.util.IpAddresses;
import io.jtls.net.AddressInfo;
import io.jtls.net.Duplex;
import io.jtls.net.Event;
import io.jtls.net.NetException;
import io.jtls.net.Signal;
import io.jtls.net.Socket;
import io.jtls.net.Timer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Node's {@code tls.TLSSocket}: a TLS connection over another stream, itself a {@link Duplex}
 * of plaintext. The stream underneath (the <em>transport</em>) is a {@link Socket} or any
 * {@link Duplex}, a {@code TlsSocket} included (TLS inside TLS).
 *
 * <h2>Events, in Node's order</h2>
 * {@link #CONNECT} (when the socket underneath connects), {@link #SECURE} (handshake complete,
 * before verification), {@link #SECURE_CONNECT} (client made by {@link Tls#connect}: only once the
 * server's certificate passed verification or {@code rejectUnauthorized} is false), then the
 * stream's {@code 'data'}, {@code 'end'}, {@code 'finish'}, {@code 'drain'}, {@code 'error'} and
 * {@code 'close'}; on clients {@link #SESSION} (after {@code 'secureConnect'}, once per TLS 1.2
 * handshake or TLS 1.3 ticket). Declared for the next steps: {@link #OCSP_RESPONSE},
 * {@link #KEYLOG}. Every event is emitted on the socket's loop thread ({@link #loop()}: the
 * transport's loop).
 *
 * <h2>What Node guarantees and so does this class</h2>
 * <ul>
 *   <li>Nothing the application writes leaves before the connection is secure and verified:
 *       writes made earlier are kept and sent after {@code 'secureConnect'} (client) or
 *       {@code 'secureConnection'} (server), and dropped if verification fails.</li>
 *   <li>A failed handshake on a server's socket is reported as the server's
 *       {@code 'tlsClientError'} (with Node's code) and the socket is destroyed; a peer that
 *       goes away before the handshake ends is {@code ECONNRESET "socket hang up"}.</li>
 *   <li>{@link #write} returns false once 16 KiB wait and {@code 'drain'} follows; when the
 *       transport pushes back, encryption stops until it drains.</li>
 * </ul>
 *
 * <h2>Threading and native memory</h2>
 * The TLS engine lives on the loop thread; public methods may be called from any thread
 * (getters then wait for the loop, actions are handed to it). A getter called on another
 * loop's thread blocks that loop until this one answers: do not let two loops wait on each
 * other's sockets that way. The engine is freed exactly once, on the loop, after the socket is
 * destroyed; getters return null from then on.
 *
 * <p>A socket made with the public constructor starts at once on its loop: to be sure no event
 * is missed, construct it on {@link #loop()} (or use
 * {@link Tls#connect(TlsConnectOptions, java.util.function.Consumer, Runnable)}, whose setup
 * hook runs before the connection starts). A write's callback runs once its bytes are
 * encrypted and handed to the transport.
 *
 * <h2>Absent values</h2>
 * Node's {@code undefined}, {@code false} and {@code null} are all {@code null} here:
 * {@link #alpnProtocol()} (Node: {@code false} when none was selected),
 * {@link #servername()}, {@link #getPeerCertificate()} (Node: {@code {}} when the peer sent
 * none, {@code null} once destroyed), {@link #getFinished()} and so on; each method says which.
 */
public class TlsSocket extends Duplex {
    /** {@code 'secureConnect'} (clients of {@link Tls#connect}): secure and verified. */
    public static final Signal SECURE_CONNECT = new Signal("secureConnect");
    /** {@code 'secure'}: the handshake completed (before Node's verification step). */
    public static final Signal SECURE = new Signal("secure");
    /** {@code 'connect'}: the socket underneath connected (re-emitted from it). */
    public static final Signal CONNECT = Socket.CONNECT;
    /** {@code 'timeout'}: idle for the time given to {@link #setTimeout}. */
    public static final Signal TIMEOUT = Socket.TIMEOUT;
    /**
     * {@code 'session'} (clients): a session to resume later with the {@code session} option, in
     * OpenSSL's DER form. Once per TLS 1.2 handshake, once per ticket with TLS 1.3 (possibly after
     * {@code 'secureConnect'}); never before the server's certificate passed verification (a
     * session that arrives earlier waits, the latest one wins, as Node's pending session).
     */
    public static final Event<byte[]> SESSION = new Event<>("session");
    /** {@code 'OCSPResponse'} (clients with {@code requestOCSP}). Declared; emitted in a later step. */
    public static final Event<byte[]> OCSP_RESPONSE = new Event<>("OCSPResponse");
    /** {@code 'keylog'}: a line of NSS key log text. Declared; emitted in a later step. */
    public static final Event<byte[]> KEYLOG = new Event<>("keylog");

    private static final String PEER_DID_NOT_RETURN_A_CERTIFICATE = "peer did not return a certificate";

    /** What {@link Tls#connect} checks once the handshake completes (Node's {@code onConnectSecure}). */
    record ClientCheck(String hostname, boolean rejectUnauthorized, ServerIdentityCheck checkServerIdentity,
                       int minDHSize) {}

    // ---- configuration (constant) ----
    private final Duplex transport;
    private final boolean isServer;
    private final TlsServer server;
    private final boolean requestCert;
    private final boolean rejectUnauthorized;
    private final List<String> alpnProtocols;
    private final SniCallback sniCallback;
    private final byte[] sessionOption;
    private final boolean requestOCSP;
    private final SecureContext secureContext;
    private final Duration handshakeTimeout;
    private final ClientCheck clientCheck;

    // ---- loop-thread state ----
    private TlsEngine engine; // null once freed
    private final PlaintextQueue pending = new PlaintextQueue();
    private final SocketSessions sessions; // 'session', 'newSession', 'resumeSession'
    private final HandshakeRecordWatch handshakeWatch = new HandshakeRecordWatch();
    private RenegotiationLimit renegotiations; // servers, once a renegotiation is seen
    private Timer handshakeTimer;
    private boolean started;
    private boolean awaitingApplication; // handshake paused for SNICallback
    private boolean secureEstablished;    // Node's _secureEstablished
    private boolean verified;             // application data may flow
    private boolean controlReleased;      // Node's _controlReleased: errors go to the socket
    private boolean hadError;
    private boolean clientErrorReported;
    private boolean flushScheduled;
    private boolean transportFull;
    private boolean plaintextBlocked;
    private boolean transportEnded;
    private boolean peerClosed;
    private boolean inputEnded;
    private boolean endRequested;
    private boolean shutdownSent;
    private boolean renegotiationDisabled;
    private boolean timeoutForwarding;

    // ---- what Node exposes as properties (written on the loop, read anywhere) ----
    private volatile boolean authorized;
    private volatile String authorizationError;
    private volatile String alpnProtocol;
    private volatile String servername;

    /** Node's {@code new tls.TLSSocket(socket)}: a client with Node's defaults. */
    public TlsSocket(Duplex socket) {
        this(socket, TlsSocketOptions.DEFAULTS);
    }

    /**
     * Node's {@code new tls.TLSSocket(socket, options)}: TLS over {@code socket} (any
     * {@link Duplex}, connected or not). The socket is the TLS socket's from now on: its bytes
     * are read by the TLS layer, and destroying one destroys the other.
     *
     * @throws TlsException for bad options (including a secure context that cannot be built)
     */
    public TlsSocket(Duplex socket, TlsSocketOptions options) {
        this(socket, options.isServer(), options.server(), options.requestCert(), options.rejectUnauthorized(),
                options.alpnProtocols(), options.sniCallback(), options.session(), options.requestOCSP(),
                options.secureContext(), options.contextOptions(), options.handshakeTimeout(), null, null);
        begin();
    }

    /**
     * The one real constructor: {@code clientServername} is the SNI name to send (clients).
     * Nothing happens on the transport until {@link #begin()}.
     */
    TlsSocket(Duplex socket, boolean isServer, TlsServer server, boolean requestCert, boolean rejectUnauthorized,
              List<String> alpnProtocols, SniCallback sniCallback, byte[] session, boolean requestOCSP,
              SecureContext secureContext, SecureContextOptions contextOptions, Duration handshakeTimeout,
              ClientCheck clientCheck, String clientServername) {
        super(socket.loop(), socket.allowHalfOpen());
        this.transport = socket;
        this.isServer = isServer;
        this.server = server;
        // Node: clients always verify the server's certificate; servers only when asked.
        this.requestCert = requestCert || !isServer;
        this.rejectUnauthorized = rejectUnauthorized;
        this.alpnProtocols = alpnProtocols;
        this.sniCallback = sniCallback;
        this.sessionOption = session;
        this.requestOCSP = requestOCSP;
        this.handshakeTimeout = handshakeTimeout;
        this.clientCheck = clientCheck;
        this.sessions = new SocketSessions(this, server);
        boolean ownContext = secureContext == null;
        this.secureContext = ownContext ? Tls.createSecureContext(contextOptions) : secureContext;
        try {
            this.engine = newEngine(clientServername);
        } finally {
            if (ownContext) {
                this.secureContext.close(); // the engine holds its own reference: freed with it
            }
        }
        // Node releases control at once for clients (tls.connect); a server's socket reports
        // its errors to the server until the handshake is done.
        this.controlReleased = !isServer || server == null;
    }

    /** Takes over the transport: on the loop, after everything the caller set up before this call. */
    final void begin() {
        loop.execute(this::init);
    }

    private TlsEngine newEngine(String clientServername) {
        TlsEngine e = isServer ? TlsEngine.server(SecureContexts.nativeOf(secureContext)) : TlsEngine.client(SecureContexts.nativeOf(secureContext));
        try {
            if (requestCert || rejectUnauthorized) {
                e.setVerifyMode(requestCert, rejectUnauthorized);
            }
            if (alpnProtocols != null && !alpnProtocols.isEmpty()) {
                e.setAlpnProtocols(alpnProtocols);
            }
            sessions.configure(e, isServer);
            if (!isServer) {
                if (clientServername != null) {
                    e.setServername(clientServername);
                }
                if (sessionOption != null) {
                    e.setSession(sessionOption); // Node ignores a session that does not parse
                }
            } else if (sniCallback != null) {
                e.pauseAt(io.jtls.internal.engine.PausePoint.CERT_CALLBACK);
            }
            return e;
        } catch (RuntimeException | Error failure) {
            e.close();
            throw failure;
        }
    }

    // ------------------------------------------------------------------ life cycle (loop thread)

    private void init() {
        if (destroyed()) {
            closeEngine();
            return;
        }
        if (transport.destroyed()) {
            destroy(new NetException("ERR_SOCKET_CLOSED", "Socket is closed"));
            return;
        }
        transport.setRawReader(this::onCiphertext);
        transport.on(END, this::onTransportEnd);
        transport.on(ERROR, this::onTransportError);
        transport.on(CLOSE, hadError -> destroy());
        transport.on(DRAIN, this::onTransportDrain);
        if (isServer && server != null) {
            on(CLOSE, this::reportHangUp);
        }
        if (handshakeTimeout != null && handshakeTimeout.toNanos() > 0) {
            handshakeTimer = loop.schedule(handshakeTimeout.toNanos(), TimeUnit.NANOSECONDS, this::onHandshakeTimeout);
        }
        if (transport instanceof Socket s && s.pending()) {
            s.once(Socket.CONNECT, () -> {
                emit(CONNECT);
                start();
            });
        } else {
            start();
        }
    }

    /** Node's {@code _start}: a client sends its ClientHello; a server waits for one. */
    private void start() {
        if (started || destroyed()) {
            return;
        }
        started = true;
        cycle();
    }

    /** Ciphertext from the transport (borrowed: consumed before returning). */
    private void onCiphertext(ByteBuffer ciphertext) {
        if (engine == null || destroyed()) {
            ciphertext.position(ciphertext.limit());
            return;
        }
        if (handshakeWatch.scan(ciphertext) > 0 && secureEstablished && onRenegotiation()) {
            ciphertext.position(ciphertext.limit());
            return;
        }
        engine.encIn(ciphertext);
        if (started) {
            cycle();
        }
    }

    /** Moves the connection as far as the bytes at hand allow: handshake, plaintext out, ciphertext out. */
    private void cycle() {
        if (engine == null || destroyed()) {
            return;
        }
        try {
            if (!secureEstablished) {
                if (awaitingApplication) {
                    return;
                }
                EngineState state = engine.handshake();
                if (state == EngineState.AWAITING_CLIENT_HELLO) {
                    flushCiphertext();
                    awaitingApplication = true;
                    sessions.onClientHello(engine); // 'resumeSession', then resumeHandshake()
                    return;
                }
                sessions.afterEngineCall(engine); // 'session' / 'newSession' created by the handshake
                if (engine == null || destroyed()) {
                    return;
                }
                if (state == EngineState.AWAITING_CERT_CALLBACK) {
                    flushCiphertext();
                    onCertCallback();
                    return;
                }
                if (state != EngineState.ESTABLISHED || sessions.holdsOutput()) {
                    flushCiphertext(); // held, as Node's EncOut, until 'newSession' is done
                    return;
                }
                onHandshakeDone();
                if (engine == null || destroyed()) {
                    return;
                }
            }
            readPlaintext();
            flushCiphertext();
            if (!pending.isEmpty() && !transportFull) {
                scheduleFlush(); // writes the engine refused while the peer renegotiated: the handshake may be done now
            }
        } catch (TlsException e) {
            onEngineError(e);
        }
    }

    /** Decrypts what is buffered and pushes it, until the engine is empty or the consumer is full. */
    private void readPlaintext() {
        LoopBuffers buffers = LoopBuffers.get();
        while (!plaintextBlocked && engine != null && !destroyed()) {
            ByteBuffer plaintext = buffers.acquirePlaintext();
            int n;
            boolean more;
            try {
                n = engine.clearOut(plaintext);
                if (n <= 0) {
                    if (n < 0) {
                        peerClosed = true; // close_notify: Node's EOF
                    }
                    break;
                }
                more = push(plaintext.flip());
            } finally {
                buffers.release();
            }
            // push() also answers false while 'data' is flowing but older chunks still wait
            // in the stream's queue: only a consumer that really stopped blocks the engine.
            if (!more && !isReadingWanted()) {
                plaintextBlocked = true;
                transport.pause();
            }
        }
        if (engine != null && !destroyed()) {
            sessions.afterEngineCall(engine); // TLS 1.3 tickets are read with the data
        }
        if (!plaintextBlocked && (peerClosed || transportEnded) && !inputEnded && !destroyed()) {
            inputEnded = true;
            pushEnd();
        }
    }

    /** Writes every byte of ciphertext the engine has for the peer to the transport. */
    private void flushCiphertext() {
        if (engine == null || sessions.holdsOutput()) {
            return;
        }
        LoopBuffers buffers = LoopBuffers.get();
        boolean closedUnderneath = transport.writableEnded() || transport.destroyed();
        while (engine.encPending() > 0) {
            ByteBuffer ciphertext = buffers.acquireCiphertext();
            try {
                engine.encOut(ciphertext);
                if (closedUnderneath) {
                    continue; // the stream underneath ended first (its peer went away): nobody to tell
                }
                transport.writeBorrowed(ciphertext.flip());
            } finally {
                buffers.release();
            }
            if (engine == null) {
                return; // the transport failed and destroyed us
            }
        }
        transportFull = transport.writableLength() >= transport.writableHighWaterMark();
    }

    // ------------------------------------------------------------------ handshake completion

    /** Node's {@code _finishInit} and the {@code 'secure'} listeners. */
    private void onHandshakeDone() {
        secureEstablished = true;
        alpnProtocol = engine.alpnProtocol();
        if (servername == null) {
            servername = engine.servername();
        }
        if (handshakeTimer != null) {
            handshakeTimer.cancel();
            handshakeTimer = null;
        }
        if (plaintextBlocked) {
            transport.pause();
        }
        boolean bareClient = !isServer && clientCheck == null;
        if (bareClient) {
            // Node leaves these unset on a client made with `new TLSSocket`; jtls reports the
            // chain's verification (no host name check, no rejection) before 'secure'.
            TlsException error = engine.verifyError();
            authorized = error == null;
            authorizationError = error == null ? null : error.code();
        }
        emit(SECURE);
        if (destroyed()) {
            return;
        }
        if (isServer) {
            onServerSocketSecure();
        } else if (clientCheck != null) {
            onConnectSecure();
        } else {
            allowData();
            sessions.onVerified(); // no verification step on a bare client: 'session' after 'secure'
        }
    }

    /** Node's {@code onServerSocketSecure}: client certificate policy, then {@code 'secureConnection'}. */
    private void onServerSocketSecure() {
        if (requestCert) {
            TlsException error = engine.verifyError();
            if (error != null) {
                authorizationError = error.code();
                if (rejectUnauthorized) {
                    destroy(); // reported as tlsClientError ECONNRESET "socket hang up", as Node
                    return;
                }
            } else {
                authorized = true;
            }
        }
        boolean released = !controlReleased;
        controlReleased = true;
        allowData();
        if (released && server != null && !destroyed()) {
            server.emit(TlsServer.SECURE_CONNECTION, this);
        }
    }

    /** Node's {@code onConnectSecure}: DH size, chain verification, host name; then {@code 'secureConnect'}. */
    private void onConnectSecure() {
        EphemeralKeyInfo key = engine.ephemeralKeyInfo();
        if (key != null && "DH".equals(key.type()) && key.size() < clientCheck.minDHSize()) {
            // Node's message names 2048 whatever minDHSize is; the text is kept as Node has it.
            destroy(new TlsException("ERR_TLS_DH_PARAM_SIZE", "DH parameter size " + key.size() + " is less than 2048"));
            return;
        }
        Exception verifyError = engine.verifyError();
        if (verifyError == null && !engine.isSessionReused()) {
            verifyError = checkServerIdentity();
        }
        if (verifyError != null) {
            authorized = false;
            authorizationError = verifyError instanceof TlsException t ? t.code() : verifyError.getMessage();
            if (clientCheck.rejectUnauthorized()) {
                destroy(verifyError);
                return;
            }
        } else {
            authorized = true;
        }
        allowData();
        emit(SECURE_CONNECT);
        sessions.onVerified(); // Node's kIsVerified: a 'session' that waited is emitted now
    }

    /**
     * Runs the {@code checkServerIdentity} option with the detailed peer certificate, as Node.
     * The default check reads only the leaf's subject and alternative names, so it first runs
     * on the leaf alone (no chain to build) and builds the detailed certificate only for the
     * error it returns ({@code err.cert}).
     */
    private Exception checkServerIdentity() {
        ServerIdentityCheck check = clientCheck.checkServerIdentity();
        if (check == DEFAULT_IDENTITY_CHECK) {
            if (Tls.checkServerIdentity(clientCheck.hostname(), engine.peerCertificate(false)) == null) {
                return null;
            }
        }
        return check.check(clientCheck.hostname(), engine.peerCertificate(true));
    }

    /** The default {@code checkServerIdentity}: {@link Tls#checkServerIdentity}. */
    static final ServerIdentityCheck DEFAULT_IDENTITY_CHECK = Tls::checkServerIdentity;

    /** Application data may flow: send what was written during the handshake. */
    private void allowData() {
        verified = true;
        scheduleFlush();
    }

    // ------------------------------------------------------------------ SNI (server)

    /** The engine paused where Node's {@code oncertcb} runs: ask the SNICallback, if any. */
    private void onCertCallback() {
        awaitingApplication = true;
        CertCallbackInfo info = engine.certCallbackInfo();
        String name = info == null ? "" : info.servername();
        if (name.isEmpty() || sniCallback == null) {
            resumeHandshake();
            return;
        }
        AtomicInteger calls = new AtomicInteger();
        try {
            sniCallback.select(name, (error, context) -> {
                int call = calls.incrementAndGet();
                loop.execute(() -> onSniSelected(call, error, context));
            });
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private void onSniSelected(int call, Throwable error, SecureContext context) {
        if (call > 1) {
            fail(new TlsException("ERR_MULTIPLE_CALLBACK", "Callback called multiple times"));
            return;
        }
        if (error != null) {
            fail(error);
            return;
        }
        if (engine == null || destroyed()) {
            return;
        }
        if (context != null) {
            try {
                engine.useSniContext(SecureContexts.nativeOf(context));
            } catch (RuntimeException e) {
                fail(e);
                return;
            }
        }
        resumeHandshake();
    }

    /** Continues a handshake paused for the application (SNI, 'resumeSession'). */
    void resumeHandshake() {
        awaitingApplication = false;
        try {
            engine.resumeHandshake();
        } catch (TlsException e) {
            onEngineError(e);
            return;
        }
        cycle();
    }

    // ------------------------------------------------------------------ failures

    /** Node's {@code onerror}: a fatal TLS error from the engine. */
    private void onEngineError(TlsException error) {
        try {
            flushCiphertext(); // the alert, as Node sends it before giving up
        } catch (RuntimeException ignored) {
            // the transport is gone: nothing to tell the peer
        }
        if (hadError) {
            return;
        }
        hadError = true;
        if (!secureEstablished) {
            fail(error);
        } else if (isServer && rejectUnauthorized && String.valueOf(error.getMessage()).contains(PEER_DID_NOT_RETURN_A_CERTIFICATE)) {
            destroy();
        } else {
            destroy(error);
        }
    }

    /**
     * Destroys the socket for {@code error}: a server's socket whose handshake has not completed
     * reports it as the server's {@code 'tlsClientError'} (Node's {@code onSocketTLSError});
     * any other socket emits it as {@code 'error'}.
     */
    void fail(Throwable error) {
        if (!controlReleased) {
            destroy(); // first, as Node: the listener sees a destroyed socket
            reportClientError(error);
        } else {
            destroy(error);
        }
    }

    private void reportClientError(Throwable error) {
        if (clientErrorReported || controlReleased || server == null) {
            return;
        }
        clientErrorReported = true;
        server.emitClientError(error, this);
    }

    /** Node's {@code onSocketClose} for servers: a socket that closed before the handshake ended. */
    private void reportHangUp(boolean hadError) {
        if (!hadError) {
            reportClientError(new TlsException("ECONNRESET", "socket hang up"));
        }
    }

    /**
     * The peer started a renegotiation (Node's {@code onhandshakestart}): a server counts it
     * against {@link Tls#CLIENT_RENEG_LIMIT} per {@link Tls#CLIENT_RENEG_WINDOW}, and either
     * side refuses it after {@link #disableRenegotiation()}. Where Node only emits
     * {@code 'error'}, the socket is destroyed with it: the point is to stop the attacker.
     *
     * @return true when the socket was destroyed
     */
    private boolean onRenegotiation() {
        if (isServer) {
            if (renegotiations == null) {
                renegotiations = new RenegotiationLimit(Tls.CLIENT_RENEG_LIMIT, Tls.CLIENT_RENEG_WINDOW);
            }
            if (renegotiations.exceededBy(System.nanoTime())) {
                destroy(new TlsException("ERR_TLS_SESSION_ATTACK", "TLS session renegotiation attack detected"));
                return true;
            }
        }
        if (renegotiationDisabled) {
            destroy(new TlsException("ERR_TLS_RENEGOTIATION_DISABLED", "TLS session renegotiation disabled for this socket"));
            return true;
        }
        return false;
    }

    private void onHandshakeTimeout() {
        handshakeTimer = null;
        if (secureEstablished || destroyed()) {
            return;
        }
        // Node reports it (tlsClientError on a server) and, as its documentation promises,
        // the connection is aborted.
        fail(new TlsException("ERR_TLS_HANDSHAKE_TIMEOUT", "TLS handshake timeout"));
    }

    private void onTransportError(Throwable error) {
        if (hadError) {
            return;
        }
        hadError = true;
        fail(error);
    }

    private void onTransportEnd() {
        transportEnded = true;
        if (destroyed()) {
            return;
        }
        if (!secureEstablished) {
            if (isServer) {
                destroy(); // tlsClientError ECONNRESET "socket hang up"
            } else {
                destroy(new TlsException("ECONNRESET",
                        "Client network socket disconnected before secure TLS connection was established"));
            }
            return;
        }
        readPlaintext();
    }

    private void onTransportDrain() {
        transportFull = false;
        flushPlaintext();
    }

    // ------------------------------------------------------------------ Duplex: writing

    @Override
    protected void writeChunk(ByteBuffer chunk, Consumer<Throwable> callback) {
        pending.add(chunk, callback);
        scheduleFlush();
    }

    @Override
    protected void writeBorrowedChunk(ByteBuffer chunk) {
        if (verified && engine != null && pending.isEmpty() && !transportFull) {
            int size = chunk.remaining();
            try {
                engine.clearIn(chunk);
                flushed(size - chunk.remaining());
                flushCiphertext();
            } catch (TlsException e) {
                onEngineError(e);
                return;
            }
            if (!chunk.hasRemaining()) {
                return;
            }
        }
        pending.add(copy(chunk), null);
        scheduleFlush();
    }

    /** Encrypts queued writes at the end of this loop turn, so that small writes share records. */
    private void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            loop.execute(this::flushPlaintext);
        }
    }

    private void flushPlaintext() {
        flushScheduled = false;
        if (engine == null || destroyed() || !verified) {
            return;
        }
        try {
            while (!pending.isEmpty() && !transportFull && engine != null) {
                long taken = pending.encryptNext(engine, callback -> callLater(callback, null));
                flushed(taken);
                flushCiphertext();
                if (taken == 0) {
                    break;
                }
            }
        } catch (TlsException e) {
            onEngineError(e);
            return;
        }
        shutdownIfDone();
    }

    @Override
    protected void writeEnd() {
        endRequested = true;
        shutdownIfDone();
    }

    /** After {@code end()} and the last queued write: close_notify, then the transport's half-close. */
    private void shutdownIfDone() {
        if (!endRequested || shutdownSent || sessions.holdsOutput() || !verified || !pending.isEmpty() || engine == null || destroyed()) {
            return;
        }
        shutdownSent = true;
        engine.shutdown();
        flushCiphertext();
        transport.end(this::finished);
    }

    // ------------------------------------------------------------------ Duplex: reading and closing

    @Override
    protected void readStart() {
        if (!plaintextBlocked) {
            return;
        }
        plaintextBlocked = false;
        transport.resume();
        if (secureEstablished) {
            loop.execute(this::cycle); // plaintext may wait inside the engine
        }
    }

    @Override
    protected void readStop() {
        plaintextBlocked = true;
        if (secureEstablished) {
            transport.pause();
        }
    }

    @Override
    protected void destroyImpl(Throwable error) {
        if (handshakeTimer != null) {
            handshakeTimer.cancel();
            handshakeTimer = null;
        }
        Throwable dropped = error != null ? error
                : new NetException("ERR_STREAM_DESTROYED", "Cannot call write after a stream was destroyed");
        pending.clear(callback -> callLater(callback, dropped));
        transport.destroy();
        // Freed later in this turn, never under a call that may still be using the engine.
        loop.execute(this::closeEngine);
    }

    private void closeEngine() {
        if (engine != null) {
            engine.close();
            engine = null;
        }
    }

    // ------------------------------------------------------------------ Node's properties

    /** Node's {@code tlsSocket.encrypted}: always true. */
    public boolean encrypted() {
        return true;
    }

    /** True for a server-side socket (Node's {@code isServer} option). */
    public boolean isServer() {
        return isServer;
    }

    /** The server this socket was accepted by (Node's {@code tlsSocket.server}), or null. */
    public TlsServer server() {
        return server;
    }

    /** Whether the peer's certificate is requested: always for clients, by option for servers. */
    public boolean requestCert() {
        return requestCert;
    }

    /** Whether an unverified peer is rejected. */
    public boolean rejectUnauthorized() {
        return clientCheck != null ? clientCheck.rejectUnauthorized() : rejectUnauthorized;
    }

    /** The ALPN protocols this socket offers or accepts, or null. */
    public List<String> alpnProtocols() {
        return alpnProtocols;
    }

    /** The server's {@link SniCallback} for this socket, or null. */
    public SniCallback sniCallback() {
        return sniCallback;
    }

    /** The {@code session} option this client was given, or null. */
    public byte[] sessionOption() {
        return sessionOption == null ? null : sessionOption.clone();
    }

    /** The {@code requestOCSP} option. */
    public boolean requestOCSP() {
        return requestOCSP;
    }

    /** The secure context the connection was made from. */
    public SecureContext secureContext() {
        return secureContext;
    }

    /** The stream underneath (Node's {@code _parent}). */
    public Duplex transport() {
        return transport;
    }

    /**
     * Node's {@code tlsSocket.authorized}: true when the peer's certificate verified (for a
     * client made by {@link Tls#connect}, also against the host name).
     */
    public boolean authorized() {
        return authorized;
    }

    /** Node's {@code tlsSocket.authorizationError}: why the peer was not authorized, or null. */
    public String authorizationError() {
        return authorizationError;
    }

    /** Node's {@code tlsSocket.alpnProtocol}: the protocol selected, or null (Node: {@code false}). */
    public String alpnProtocol() {
        return alpnProtocol;
    }

    /** Node's {@code tlsSocket.servername}: the SNI name sent (client) or received (server), or null. */
    public String servername() {
        return servername;
    }

    /** True once the handshake completed (Node's {@code _secureEstablished}). */
    public boolean secureEstablished() {
        return secureEstablished;
    }

    // ------------------------------------------------------------------ Node's methods

    /** Node's {@code getProtocol()}: "TLSv1.3", "TLSv1.2", ...; "unknown" before the handshake; null once destroyed. */
    public String getProtocol() {
        return query(TlsEngine::protocol);
    }

    /** Node's {@code getCipher()}; null before a suite is chosen or once destroyed. */
    public CipherInfo getCipher() {
        return query(TlsEngine::cipher);
    }

    /**
     * Node's {@code getEphemeralKeyInfo()}: the key exchange's key on a client
     * ({@link EphemeralKeyInfo#NONE} when it used none); null on a server or once destroyed.
     */
    public EphemeralKeyInfo getEphemeralKeyInfo() {
        return query(TlsEngine::ephemeralKeyInfo);
    }

    /** Node's {@code getFinished()}: the Finished message this side sent; null before or once destroyed. */
    public byte[] getFinished() {
        return query(TlsEngine::finished);
    }

    /** Node's {@code getPeerFinished()}: the peer's Finished message; null before or once destroyed. */
    public byte[] getPeerFinished() {
        return query(TlsEngine::peerFinished);
    }

    /** Node's {@code isSessionReused()}. */
    public boolean isSessionReused() {
        Boolean reused = query(TlsEngine::isSessionReused);
        return reused != null && reused;
    }

    /**
     * Node's {@code getSession()}: the session in OpenSSL's DER form ({@code i2d_SSL_SESSION}), for
     * the {@code session} option of a later connect; null before the handshake or once
     * destroyed. With TLS 1.3 the resumable sessions arrive after the handshake: use
     * {@link #SESSION}, as Node recommends.
     */
    public byte[] getSession() {
        return query(TlsEngine::session);
    }

    /**
     * Node's {@code getTLSTicket()}: on a client, the session ticket of its current session
     * ({@code SSL_SESSION_get0_ticket}), null when the session has none (resumption by session
     * id) or the socket was destroyed; always null on a server. For debugging.
     */
    public byte[] getTLSTicket() {
        return query(TlsEngine::tlsTicket);
    }

    /** The engine, for {@link SocketSessions} on the loop; null once freed. */
    TlsEngine engineForSessions() {
        return engine;
    }

    /** Every 'newSession' callback ran (Node's {@code NewSessionDoneCb}): send what was held, go on. */
    void afterSessionCallback() {
        cycle();
        shutdownIfDone();
    }

    /**
     * Node's {@code getCertificate()}: this side's certificate, or null when it has none (Node:
     * {@code {}}) or the socket was destroyed (Node: {@code null}).
     */
    public Certificate getCertificate() {
        return query(TlsEngine::certificate);
    }

    /** Node's {@code getPeerCertificate()}: see {@link #getPeerCertificate(boolean)}. */
    public Certificate getPeerCertificate() {
        return getPeerCertificate(false);
    }

    /**
     * Node's {@code getPeerCertificate([detailed])}: the peer's certificate, with its issuer chain
     * ({@link Certificate#issuerCertificate()}) when {@code detailed}; null when the peer sent
     * none (Node: {@code {}}) or the socket was destroyed (Node: {@code null}).
     */
    public Certificate getPeerCertificate(boolean detailed) {
        return query(e -> e.peerCertificate(detailed));
    }

    /**
     * Node's {@code exportKeyingMaterial(length, label[, context])} (RFC 5705).
     *
     * @throws TlsException {@code ERR_TLS_INVALID_STATE} before the handshake completed
     */
    public byte[] exportKeyingMaterial(int length, String label, byte[] context) {
        byte[] material = query(e -> e.exportKeyingMaterial(length, label, context));
        if (material == null) {
            throw new TlsException("ERR_TLS_INVALID_STATE", "TLS socket connection must be securely established");
        }
        return material;
    }

    /**
     * Node's {@code setMaxSendFragment(size)}: records of at most {@code size} bytes from now on
     * (512 to 16384); false when the size is out of range or the socket is destroyed.
     */
    public boolean setMaxSendFragment(int size) {
        if (size < 512 || size > 16384) {
            return false;
        }
        Boolean ok = query(e -> e.setMaxSendFragment(size));
        return ok != null && ok;
    }

    /**
     * Node's {@code setServername(name)}: the SNI name a client sends, before the handshake.
     *
     * @throws TlsException {@code ERR_TLS_SNI_FROM_SERVER} on a server socket
     */
    public void setServername(String name) {
        if (isServer) {
            throw new TlsException("ERR_TLS_SNI_FROM_SERVER", "Cannot issue SNI from a TLS server-side socket");
        }
        query(e -> {
            e.setServername(name);
            return null;
        });
    }

    /**
     * Node's {@code disableRenegotiation()}: a renegotiation attempt on this socket becomes an
     * {@code 'error'} ({@code ERR_TLS_RENEGOTIATION_DISABLED}).
     */
    public void disableRenegotiation() {
        loop.execute(() -> renegotiationDisabled = true);
    }

    /**
     * Node's {@code renegotiate(options, callback)}. TLS 1.3 has no renegotiation: as in Node,
     * this returns false and {@code callback} gets {@code ERR_SSL_WRONG_SSL_VERSION}. Starting a
     * TLS 1.2 renegotiation needs engine support that does not exist yet: it returns false and
     * {@code callback} gets {@code ERR_TLS_RENEGOTIATE}. (Renegotiations the peer starts are
     * handled: see {@link #disableRenegotiation()} and {@link Tls#CLIENT_RENEG_LIMIT}.)
     *
     * @param callback called once on the loop with the error, or null on success; may be null
     * @return false when the renegotiation could not start (or the socket is destroyed)
     */
    public boolean renegotiate(boolean requestCert, boolean rejectUnauthorized, Consumer<Throwable> callback) {
        if (destroyed()) {
            return false;
        }
        String protocol = getProtocol();
        TlsException error = "TLSv1.3".equals(protocol)
                ? new TlsException("ERR_SSL_WRONG_SSL_VERSION", "wrong ssl version")
                : new TlsException("ERR_TLS_RENEGOTIATE", "Attempt to renegotiate TLS session failed");
        if (callback != null) {
            loop.execute(() -> callback.accept(error));
        }
        return false;
    }

    /** Node's {@code address()}: the local address of the socket underneath, or null. */
    public AddressInfo address() {
        Socket socket = netSocket();
        return socket == null ? null : socket.address();
    }

    /** Node's {@code localAddress}, from the socket underneath; null when there is none. */
    public String localAddress() {
        Socket socket = netSocket();
        return socket == null ? null : socket.localAddress();
    }

    /** Node's {@code localPort}; -1 when unknown. */
    public int localPort() {
        Socket socket = netSocket();
        return socket == null ? -1 : socket.localPort();
    }

    /** Node's {@code remoteAddress}; null when unknown. */
    public String remoteAddress() {
        Socket socket = netSocket();
        return socket == null ? null : socket.remoteAddress();
    }

    /** Node's {@code remoteFamily}: "IPv4" or "IPv6"; null when unknown. */
    public String remoteFamily() {
        Socket socket = netSocket();
        return socket == null ? null : socket.remoteFamily();
    }

    /** Node's {@code remotePort}; -1 when unknown. */
    public int remotePort() {
        Socket socket = netSocket();
        return socket == null ? -1 : socket.remotePort();
    }

    /**
     * Node's {@code setTimeout(msecs[, callback])}: {@link #TIMEOUT} after {@code millis} idle on
     * the connection underneath (0 disables); the socket stays open. Works when the transport
     * is a {@link Socket} or another {@code TlsSocket}.
     */
    public TlsSocket setTimeout(long millis, Runnable onTimeout) {
        if (onTimeout != null) {
            if (millis == 0) {
                off(TIMEOUT, onTimeout);
            } else {
                once(TIMEOUT, onTimeout);
            }
        }
        loop.execute(() -> {
            if (!timeoutForwarding) {
                timeoutForwarding = true;
                transport.on(TIMEOUT, () -> emit(TIMEOUT));
            }
        });
        if (transport instanceof Socket s) {
            s.setTimeout(millis, null);
        } else if (transport instanceof TlsSocket t) {
            t.setTimeout(millis, null);
        }
        return this;
    }

    /** Node's {@code setNoDelay([noDelay])}, passed to the socket underneath. */
    public TlsSocket setNoDelay(boolean noDelay) {
        Socket socket = netSocket();
        if (socket != null) {
            socket.setNoDelay(noDelay);
        }
        return this;
    }

    /** Node's {@code setKeepAlive([enable][, initialDelay])}, passed to the socket underneath. */
    public TlsSocket setKeepAlive(boolean enable, long initialDelayMillis) {
        Socket socket = netSocket();
        if (socket != null) {
            socket.setKeepAlive(enable, initialDelayMillis);
        }
        return this;
    }

    /** The TCP or Unix socket at the bottom of the stack of transports, or null. */
    private Socket netSocket() {
        Duplex d = transport;
        while (d instanceof TlsSocket t) {
            d = t.transport;
        }
        return d instanceof Socket s ? s : null;
    }

    /** Runs {@code getter} on the live engine, on the loop thread; null once destroyed. */
    private <T> T query(java.util.function.Function<TlsEngine, T> getter) {
        Supplier<T> onLoop = () -> engine == null || destroyed() ? null : getter.apply(engine);
        if (loop.inEventLoop()) {
            return onLoop.get();
        }
        try {
            return CompletableFuture.supplyAsync(onLoop, loop).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    @Override
    protected String describe() {
        return "TlsSocket[" + (isServer ? "server" : "client") + ", " + transport + "]";
    }

    /**
     * Node's SNI rule for {@code tls.connect}: only an explicit {@code servername} is sent (Node
     * derives none from {@code host}), and an IP address never is (Node warns and sends it; RFC
     * 6066 forbids it, so jtls warns and leaves it out).
     */
    static String sniName(String servername) {
        if (servername != null && !servername.isEmpty()) {
            if (IpAddresses.isIP(servername) != 0) {
                Warnings.once("DEP0123", "Setting the TLS ServerName to an IP address is not permitted by RFC 6066."
                        + " jtls does not send it.");
                return null;
            }
            return servername;
        }
        return null;
    }
}
