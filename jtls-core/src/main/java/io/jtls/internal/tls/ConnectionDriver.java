package io.jtls.internal.tls;

import io.jtls.error.TlsException;
import io.jtls.internal.context.NativeSecureContext;
import io.jtls.internal.engine.EngineState;
import io.jtls.internal.engine.TlsEngine;
import io.jtls.net.Duplex;
import io.jtls.net.EventLoop;
import io.jtls.net.NetException;
import io.jtls.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * One TLS connection over a transport, confined to the transport's loop (Go's {@code tls.Conn},
 * Node's {@code TLSWrap}): it owns the {@link TlsEngine} and moves bytes through it. Ciphertext
 * from the transport's raw reader goes into the engine; the handshake is driven until it
 * completes or pauses for the application; plaintext comes out with backpressure; writes are
 * queued and coalesced into full records; ciphertext is flushed to the transport; {@code end()}
 * becomes close_notify and the transport's half-close.
 *
 * <p>State is one {@link Phase} plus the two directions ({@link ReadSide}, {@link WriteSide}).
 * The side-specific decisions belong to the {@link HandshakePolicy}; the public socket above is
 * reached through {@link ConnectionHost}. What the handshake established is published once as
 * a {@link HandshakeSnapshot} that any thread may read.
 *
 * <h2>A paused handshake pauses the reader</h2>
 * While the handshake waits for the application ({@link Phase#AWAITING_APPLICATION}) the
 * transport is paused. Before the handshake completes at most {@link HandshakeWatch#INPUT_LIMIT}
 * bytes of ciphertext are taken from the peer; more fails the connection with
 * {@code ERR_TLS_HANDSHAKE_INPUT_LIMIT} (a {@code 'tlsClientError'} on a server), so a peer
 * cannot stream into native memory while a callback takes its time.
 *
 * <h2>Closing like Node</h2>
 * Once shutdown has begun (this side's close_notify is queued, or the peer finished), a
 * transport that fails with {@code EPIPE} or {@code ECONNRESET} ends the connection quietly:
 * {@code 'end'} then {@code 'close'}, no {@code 'error'} (Node's TLS layer ignores write errors
 * after its shutdown).
 */
public final class ConnectionDriver {
    private final EventLoop loop;
    private final Duplex transport;
    private final ConnectionHost host;
    private final HandshakePolicy policy;
    private final boolean isServer;
    private final SessionFlow sessions;
    private final Outbound outbound;
    private final Renegotiations renegotiations = new Renegotiations(this);
    private final LiveQueries queries;
    private final Inbound inbound;
    private final DiagnosticsRelay diagnostics;
    private final HandshakeWatch watch;

    private TlsEngine engine; // null once freed
    private Phase phase = Phase.NEW;
    private WriteSide writeSide = WriteSide.OPEN;
    private volatile HandshakeSnapshot snapshot;
    /** A server's SNI name, as soon as the ClientHello was read (Node sets it then); null before or without SNI. */
    private volatile String requestedServername;
    /** A server's: it has answered a ClientHello (written its flight, or a HelloRetryRequest). */
    private boolean servernameSettled;

    /**
     * A connection over {@code transport} on {@code context} (retained by the engine). Nothing
     * happens on the transport until {@link #begin()}.
     *
     * @throws TlsException when the engine cannot be set up (e.g. an invalid SNI name)
     * @throws IllegalStateException when the context's owner closed it
     */
    public ConnectionDriver(Duplex transport, ConnectionHost host, HandshakePolicy policy, NativeSecureContext context,
                            Duration handshakeTimeout) {
        this.loop = transport.loop();
        this.transport = transport;
        this.host = host;
        this.policy = policy;
        this.isServer = policy.isServer();
        this.watch = new HandshakeWatch(loop, handshakeTimeout, isServer, this::onHandshakeTimeout);
        this.sessions = new SessionFlow(this, host, policy.server());
        this.inbound = new Inbound(transport, host);
        this.outbound = new Outbound(this, transport, host, sessions);
        this.diagnostics = new DiagnosticsRelay(host);
        TlsEngine e = loopOwned(transport, policy) ? TlsEngine.alwaysClosedByOwner(context, isServer)
                : isServer ? TlsEngine.server(context) : TlsEngine.client(context);
        try {
            policy.configure(e, sessions);
            policy.configureCommon(e);
        } catch (RuntimeException | Error failure) {
            e.close();
            throw failure;
        }
        this.engine = e;
        this.queries = new LiveQueries(loop, () -> engine == null || host.destroyed() ? null : engine);
    }

    /** Takes over the transport: on the loop, after everything the caller set up before this call. */
    public void begin() {
        loop.execute(this::init);
    }

    // ------------------------------------------------------------------ state, for the facade

    public EventLoop loop() {
        return loop;
    }

    public HandshakePolicy policy() {
        return policy;
    }

    /** What the handshake established, or null before it completed. Any thread. */
    public HandshakeSnapshot snapshot() {
        return snapshot;
    }

    /**
     * A server's: the name the client asked for, known from the moment the ClientHello was read,
     * so that a {@code 'tlsClientError'} listener sees it, as in Node; null before that or
     * when the client sent none. Any thread.
     */
    public String requestedServername() {
        return requestedServername;
    }

    /**
     * After each server handshake step: the SNI name once OpenSSL parsed the ClientHello. Not
     * asked before the peer sent anything, nor at the step that completes the handshake once the
     * server answered a ClientHello: that step read the client's last flight, not a ClientHello
     * (a second one, after a HelloRetryRequest, comes in a step of its own, which still asks).
     */
    private void noteServername(EngineState state) {
        if (!watch.inputSeen() || state == EngineState.ESTABLISHED && servernameSettled) {
            return; // no ClientHello yet (the step at start), or none in this step
        }
        if (isServer && requestedServername == null && engine != null && !gone()) {
            requestedServername = engine.servername();
        }
    }

    ConnectionHost host() {
        return host;
    }

    /** The live engine, or null once freed. Loop thread. */
    TlsEngine engine() {
        return engine;
    }

    /** Refuses renegotiations from now on (Node's {@code disableRenegotiation()}). */
    public void disableRenegotiation() {
        loop.execute(renegotiations::disable);
    }

    /** Questions for the live engine, from any thread ({@link LiveQueries}' rule: never blocks another TLS loop). */
    public LiveQueries queries() {
        return queries;
    }

    // ------------------------------------------------------------------ life cycle

    private void init() {
        LoopThreads.markCurrent();
        if (host.destroyed()) {
            closeEngine();
            return;
        }
        if (transport.destroyed()) {
            host.destroy(new NetException("ERR_SOCKET_CLOSED", "Socket is closed"));
            return;
        }
        transport.setRawReader(this::onCiphertext);
        TransportEvents.listen(transport, this, outbound);
        diagnostics.start(engine);
        armHandshakeTimer();
        if (transport instanceof Socket s && s.pending()) {
            phase = Phase.CONNECTING;
            s.once(Socket.CONNECT, () -> {
                host.emitConnect();
                start();
            });
        } else {
            start();
        }
    }

    /** Node's {@code _start}: a client sends its ClientHello; a server waits for one. */
    private void start() {
        if ((phase != Phase.NEW && phase != Phase.CONNECTING) || host.destroyed()) {
            return;
        }
        phase = Phase.HANDSHAKING;
        watch.clientStarted();
        cycle();
    }

    private boolean started() {
        return phase != Phase.NEW && phase != Phase.CONNECTING;
    }

    private boolean gone() {
        return engine == null || host.destroyed() || phase == Phase.CLOSING || phase == Phase.CLOSED;
    }

    /** Ciphertext from the transport (borrowed: consumed before returning). */
    private void onCiphertext(ByteBuffer ciphertext) {
        if (gone()) {
            ciphertext.position(ciphertext.limit());
            return;
        }
        if (renegotiations.refuses(ciphertext, phase.established())) {
            ciphertext.position(ciphertext.limit());
            return;
        }
        boolean overLimit = !phase.established() && watch.input(ciphertext.remaining());
        // Lent, not copied: OpenSSL reads the transport's buffer in place during this cycle, and
        // the engine keeps only what it left unread (a partial record, a paused handshake or
        // reader) when the loan ends. The buffer is this engine's loan alone (TLS inside TLS
        // lends the outer connection's plaintext to the inner engine, a loan of its own).
        TlsEngine lender = engine;
        lender.lendInput(ciphertext);
        try {
            if (started()) {
                cycle();
            }
        } finally {
            endInputLoan(lender, ciphertext);
        }
        if (overLimit && !phase.established() && !gone()) {
            fail(new TlsException("ERR_TLS_HANDSHAKE_INPUT_LIMIT", "TLS handshake input exceeded "
                    + HandshakeWatch.INPUT_LIMIT + " bytes before the handshake completed"));
        }
    }

    /** Ends the loan of the transport's bytes; harmless when the engine was closed meanwhile. */
    private void endInputLoan(TlsEngine lender, ByteBuffer ciphertext) {
        try {
            lender.endInputLoan(ciphertext);
        } catch (TlsException e) { // no memory to keep the unread bytes: the connection cannot go on
            onEngineError(e);
        }
    }

    /** Moves the connection as far as the bytes at hand allow: handshake, plaintext out, ciphertext out. */
    private void cycle() {
        if (gone()) {
            return;
        }
        boolean justEstablished = false;
        try {
            if (!phase.established()) {
                if (phase == Phase.AWAITING_APPLICATION) {
                    return;
                }
                EngineState state = null;
                try {
                    state = engine.handshake();
                } finally {
                    noteServername(state); // also when the handshake fails: 'tlsClientError' listeners read it
                }
                if (failedInCallback()) {
                    return;
                }
                emitDiagnostics();
                if (gone() || policy.afterHandshakeStep(this, engine)) {
                    return;
                }
                if (state == EngineState.AWAITING_CLIENT_HELLO) {
                    outbound.flushCiphertext();
                    awaitApplication(this::onClientHello); // ALPNCallback, then 'resumeSession'
                    return;
                }
                sessions.afterEngineCall(engine, isServer); // 'session' / 'newSession' made by the handshake
                if (gone()) {
                    return;
                }
                if (state == EngineState.AWAITING_CERT_CALLBACK) {
                    outbound.flushCiphertext();
                    awaitApplication(() -> policy.onCertCallback(this, engine)); // SNICallback
                    return;
                }
                // Held, as Node's EncOut, until 'newSession' is done; 'secure' too for a TLS 1.2
                // session (Node's _securePending: its session exists at handshake done). A TLS 1.3
                // stateful ticket is made after the handshake (Node emits 'secure' first, then
                // 'newSession'): the connection is established while the ticket is stored, and a
                // client that ends right after its resumed handshake ends an open connection,
                // not one that hung up mid-handshake (tlsClientError ECONNRESET).
                if (state != EngineState.ESTABLISHED
                        || sessions.holdsOutput() && !"TLSv1.3".equals(engine.protocol())) {
                    if (outbound.flushCiphertext() && isServer) {
                        servernameSettled = true; // it answered a ClientHello
                    }
                    return;
                }
                onHandshakeDone();
                if (gone()) {
                    return;
                }
                justEstablished = isServer;
            }
            readPlaintext();
            if (justEstablished) {
                outbound.flushCiphertextLater(); // tickets with the first data or the close_notify
            } else {
                outbound.flushCiphertext();
            }
            outbound.afterCycle(); // writes the engine refused while the peer renegotiated
            emitDiagnostics();
            if (renegotiations.running() && !gone()) {
                renegotiations.check(engine);
            }
        } catch (TlsException e) {
            onEngineError(e);
        }
    }

    /** The ClientHello pause: the policy's callbacks (ALPNCallback), then 'resumeSession'. */
    private void onClientHello() {
        if (policy.onClientHello(this, engine) && !gone()) {
            sessions.onClientHello(engine);
        }
    }

    /**
     * A callback run inside OpenSSL (pskCallback) failed in the last engine call: the connection
     * is destroyed with its error now that OpenSSL returned (Node: from inside). True if so.
     */
    private boolean failedInCallback() {
        Throwable error = policy.takeCallbackError();
        if (error != null && !host.destroyed()) {
            fail(error);
        }
        return error != null;
    }

    /**
     * Asks the application (which may answer at once, from inside {@code ask}); while the answer
     * is outstanding, the transport is paused: nothing more is read from the peer.
     */
    private void awaitApplication(Runnable ask) {
        phase = Phase.AWAITING_APPLICATION;
        ask.run();
        if (phase == Phase.AWAITING_APPLICATION && !host.destroyed()) {
            transport.pause();
        }
    }

    /** Continues a handshake paused for the application (SNI, 'resumeSession'). */
    void resumeHandshake() {
        if (gone()) {
            return;
        }
        phase = Phase.HANDSHAKING;
        if (transport.isPaused()) {
            transport.resume(); // only this driver pauses the transport before the handshake completes
        }
        try {
            engine.resumeHandshake();
        } catch (TlsException e) {
            onEngineError(e);
            return;
        }
        cycle();
    }

    /** Node's {@code _finishInit}: publish what was negotiated, then the policy's checks. */
    private void onHandshakeDone() {
        phase = Phase.VERIFYING;
        cancelHandshakeTimer();
        if (renegotiations.running()) {
            armHandshakeTimer(); // the peer renegotiates already, in the same read as its Finished
        }
        if (inbound.consumerPaused()) {
            transport.pause();
        }
        // A server's SNI name was read after this cycle's handshake step (noteServername): not asked again.
        snapshot = isServer ? HandshakeSnapshot.capture(engine, requestedServername, true)
                : HandshakeSnapshot.capture(engine, null);
        policy.onEstablished(this, engine);
    }

    /** Publishes the verification outcome. */
    void authorize(boolean authorized, String error) {
        snapshot = snapshot.authorize(authorized, error);
    }

    /** Application data may flow: send what was written during the handshake. */
    void allowData() {
        if (phase == Phase.VERIFYING) {
            phase = Phase.OPEN;
            watch.secure(isServer, engine, snapshot, knownServername(), host);
        }
        outbound.scheduleFlush();
    }

    /** Every 'newSession' callback ran (Node's {@code NewSessionDoneCb}): send what was held, go on. */
    void afterSessionCallback() {
        cycle();
        shutdownIfDone();
    }

    // ------------------------------------------------------------------ reading

    void readPlaintext() {
        inbound.read(engine, sessions, isServer);
    }

    /** The application wants plaintext again. */
    public void readStart() {
        if (!inbound.start()) {
            return;
        }
        if (phase != Phase.AWAITING_APPLICATION) {
            transport.resume();
        }
        if (phase.established()) {
            loop.execute(this::cycle); // plaintext may wait inside the engine
        }
    }

    /** The application paused the plaintext. */
    public void readStop() {
        inbound.stop();
        if (phase.established()) {
            transport.pause();
        }
    }

    // ------------------------------------------------------------------ writing

    /** Queues plaintext the application wrote (owned from now on). */
    public void write(ByteBuffer chunk, Consumer<Throwable> callback) {
        outbound.write(chunk, callback);
    }

    /** Plaintext the caller keeps (see {@link Outbound#writeBorrowed}). */
    public void writeBorrowed(ByteBuffer chunk) {
        outbound.writeBorrowed(chunk);
    }

    /** True when application data may go to the engine now. */
    boolean dataMayFlow() {
        return phase == Phase.OPEN && engine != null && !host.destroyed();
    }

    /** {@code end()} was called: close_notify after the last queued write. */
    public void end() {
        if (writeSide == WriteSide.OPEN) {
            writeSide = WriteSide.ENDING;
        }
        shutdownIfDone();
    }

    /** After {@code end()} and the last queued write: close_notify, then the transport's half-close. */
    void shutdownIfDone() {
        if (writeSide != WriteSide.ENDING || phase != Phase.OPEN || sessions.holdsOutput() || !outbound.isEmpty()
                || engine == null || host.destroyed()) {
            return;
        }
        writeSide = WriteSide.SHUTDOWN;
        engine.shutdown();
        emitDiagnostics();
        outbound.flushCiphertext();
        transport.end(host::finished);
    }

    /** The peer finished (close_notify or the transport's end) and our close_notify went out with the transport's end. */
    boolean endedBothWays() {
        return writeSide == WriteSide.SHUTDOWN && transport.writableFinished() && inbound.side() != ReadSide.OPEN;
    }

    /** True once this side's close_notify is queued or the peer finished: transport errors are quiet. */
    boolean shutdownBegun() {
        return writeSide == WriteSide.SHUTDOWN || inbound.side() != ReadSide.OPEN;
    }

    // ------------------------------------------------------------------ renegotiation, key log, trace

    /**
     * Node's {@code renegotiate()} (loop thread); when it completes, {@code 'secure'} is emitted
     * again ({@link Renegotiations}).
     *
     * @throws TlsException why it cannot start ({@code ERR_SSL_WRONG_SSL_VERSION} on TLS 1.3,
     *         as Node; {@code ERR_TLS_RENEGOTIATE} before the handshake completed); the
     *         connection goes on
     */
    public void renegotiate(boolean requestCert, boolean rejectUnauthorized) {
        if (!phase.established() || gone()) {
            throw new TlsException("ERR_TLS_RENEGOTIATE", "Attempt to renegotiate TLS session failed");
        }
        if (renegotiations.start(engine, requestCert, rejectUnauthorized)) {
            emitDiagnostics();
            outbound.flushCiphertext();
        }
    }

    /** Publishes what a (re)negotiation established. */
    void publish(HandshakeSnapshot established) {
        snapshot = established;
    }

    /**
     * The {@code enableTrace} option: before {@link #begin()}, on the constructing thread, so
     * that the ClientHello is traced too ({@code enableTrace()} later goes through
     * {@link LiveQueries#queryAsync}).
     *
     * @throws UnsupportedOperationException when libssl has no {@code SSL_trace}
     */
    public void enableTraceBeforeBegin() {
        engine.enableTrace();
    }

    /** Key log lines and trace text from the last engine calls, out to the application. */
    private void emitDiagnostics() {
        diagnostics.emit(engine);
    }

    // ------------------------------------------------------------------ failures and the end

    /** Destroys the connection for {@code error}, reported where the policy says. */
    void fail(Throwable error) {
        watch.failed(error);
        policy.fail(host, error);
    }

    /** Node's {@code onerror}: a fatal TLS error from the engine. */
    void onEngineError(TlsException error) {
        emitDiagnostics(); // what was logged and traced up to the failure
        if (failedInCallback()) {
            return; // the application's error, which made OpenSSL fail, is the one reported (Node's order)
        }
        try {
            outbound.flushCiphertext(); // the alert, as Node sends it before giving up
        } catch (RuntimeException ignored) {
            // the transport is gone: nothing to tell the peer
        }
        if (phase == Phase.CLOSED || phase == Phase.CLOSING || host.destroyed()) {
            return;
        }
        if (!phase.established()) {
            fail(error);
        } else if (policy.quietAfterHandshake(error)) {
            host.destroy(null);
        } else {
            host.destroy(error);
        }
    }

    /** The handshake timeout, for the first handshake and (beyond Node) each renegotiation. */
    void armHandshakeTimer() {
        if (!gone()) {
            watch.arm();
        }
    }

    void cancelHandshakeTimer() {
        watch.cancel();
    }

    private void onHandshakeTimeout() {
        if (host.destroyed() || (phase.established() && !renegotiations.running())) {
            return;
        }
        // Node reports it (tlsClientError on a server) and, as documented, aborts the connection;
        // after the first handshake (a renegotiation that stalled) the socket's 'error'.
        fail(new TlsException("ERR_TLS_HANDSHAKE_TIMEOUT", "TLS handshake timeout"));
    }

    // ------------------------------------------------------------------ for TransportEvents

    Phase phase() {
        return phase;
    }

    boolean isServer() {
        return isServer;
    }

    /** The peer sent its last byte (FIN, or close_notify seen by the read side). */
    void peerFinished() {
        inbound.peerFinished();
    }

    void enterClosing() {
        phase = Phase.CLOSING;
    }

    /** Destroys the socket later in this turn, after the events already scheduled. */
    void destroyLater(Throwable error) {
        loop.execute(() -> host.destroy(error));
    }

    /** The socket's {@code 'close'} event. */
    public void onClose(boolean hadError) {
        policy.onClose(hadError);
    }

    /** The socket is being destroyed: drop queued writes, close the transport, free the engine. */
    public void onDestroy(Throwable error) {
        if (watch.recordsFailure()) { // ended before it was secure
            watch.recordFailure(error, policy.rejection(), phase, engine == null ? null : engine.state(),
                    sessions.holdsOutput(), knownServername(), host.peer());
        }
        watch.destroyed();
        phase = Phase.CLOSED;
        if (!outbound.isEmpty()) { // the exception (and its stack trace) only for writes it fails
            outbound.clear(error != null ? error
                    : new NetException("ERR_STREAM_DESTROYED", "Cannot call write after a stream was destroyed"));
        }
        outbound.flushScheduledCiphertext(); // a server's tickets still go first, as they would have
        transport.destroy();
        // Freed later in this turn, never under a call that may still be using the engine.
        loop.execute(this::closeEngine);
    }

    /** The SNI name: what the handshake established, else what a server read in the ClientHello (a resumption may not repeat it). */
    private String knownServername() {
        HandshakeSnapshot s = snapshot;
        return s != null && s.servername() != null ? s.servername() : requestedServername;
    }

    private void closeEngine() {
        if (engine != null) {
            diagnostics.emitTrace(engine); // the last messages (close_notify, alerts); no key log events on a destroyed socket
            engine.close();
            engine = null;
        }
    }

    /**
     * Whether an event loop is sure to destroy the transport, and with it this connection's engine:
     * a jtls socket that is connected or connecting (accepted, or {@code tls.connect}'s own, which
     * it connects next). Its engine then skips the Cleaner (a process-wide lock per connection).
     * Anything else (a user's {@link Duplex}, a socket nobody connected yet) may be dropped without
     * a destroy: its engine keeps the Cleaner backstop.
     */
    private static boolean loopOwned(Duplex transport, HandshakePolicy policy) {
        return transport instanceof Socket s && (!s.pending() || s.connecting() || policy.connectsTransport());
    }
}
