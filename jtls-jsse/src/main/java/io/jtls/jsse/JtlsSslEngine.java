package io.jtls.jsse;

import io.jtls.error.TlsException;
import io.jtls.internal.engine.EngineState;
import io.jtls.internal.engine.TlsEngine;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * An {@code SSLEngine} on the jtls sans-IO engine ({@link TlsEngine}: OpenSSL over the engine's
 * own BIO). {@code unwrap} feeds exactly one TLS record per call (so {@code BUFFER_UNDERFLOW} and
 * {@code BUFFER_OVERFLOW} are decided before anything is consumed), {@code wrap} first sends
 * what OpenSSL queued (handshake flights, alerts, close_notify) and otherwise encrypts at most
 * one record of application data. Records of application data are lent, not stored: OpenSSL
 * reads the caller's direct source and writes into the caller's direct destination in place
 * (heap buffers go through a per-thread direct scratch, {@link LoanScratch}). The handshake itself ({@link Handshake}) pauses for the key
 * manager (certificate choice per SNI name), the ALPN selector and the trust manager
 * ({@code NEED_TASK}).
 *
 * <p>Thread safety: every method holds the engine's lock, so {@code wrap} and {@code unwrap} may
 * run on different threads, as JSSE allows; the delegated task runs the trust manager outside it.
 */
final class JtlsSslEngine extends SSLEngine {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final int MAX_RECORD = 16384 + 2048;

    final Object lock = new Object();
    final JtlsSslContextSpi context;
    final EngineSettings settings;
    boolean clientMode;
    boolean modeSet;
    BiFunction<SSLEngine, List<String>, String> alpnSelector;

    /** The connection and what it went through; null before the handshake starts. */
    private Handshake handshake;
    /** The first fatal error; sticky. */
    private SSLException failure;
    private boolean outboundClosed;
    private boolean outboundDone;
    private boolean inboundDone;

    JtlsSslEngine(JtlsSslContextSpi context, String peerHost, int peerPort) {
        super(peerHost, peerPort);
        this.context = context;
        this.settings = new EngineSettings(context.defaultProtocols(false));
    }

    // ------------------------------------------------------------------ wrap / unwrap

    @Override
    public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
        Objects.checkFromIndexSize(offset, length, Objects.requireNonNull(srcs, "srcs").length);
        Objects.requireNonNull(dst, "dst");
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        synchronized (lock) {
            requireMode();
            if (failure != null) {
                return flushAfterFailure(dst);
            }
            if (outboundDone) {
                return result(Status.CLOSED, 0, 0, false);
            }
            if (handshake == null && outboundClosed) {
                outboundDone = true;
                return result(Status.CLOSED, 0, 0, false);
            }
            start();
            try {
                handshake.throwTrustFailure();
            } catch (SSLException e) {
                throw fail(e, true);
            }
            if (handshake.taskPending()) {
                return new SSLEngineResult(Status.OK, HandshakeStatus.NEED_TASK, 0, 0);
            }
            if (inboundDone && !outboundClosed) {
                closeOutboundLocked(); // answer the peer's close_notify with ours
            }
            TlsEngine engine = handshake.engine();
            int produced = 0;
            int pending = handshake.pending();
            if (pending > 0) {
                if (dst.remaining() < pending && dst.remaining() < JtlsSession.PACKET_BUFFER_SIZE) {
                    return result(Status.BUFFER_OVERFLOW, 0, 0, false);
                }
                produced = engine.encOut(dst);
            }
            if (outboundClosed) {
                if (handshake.pending() == 0) {
                    outboundDone = true;
                    releaseIfDone();
                }
                return result(Status.CLOSED, 0, produced, false);
            }
            if (!handshake.done()) {
                return result(Status.OK, 0, produced, handshake.maybeFinish());
            }
            if (produced > 0) {
                return result(Status.OK, 0, produced, false);
            }
            return encrypt(srcs, offset, length, dst);
        }
    }

    /** One record of application data at most, and only when all of it fits in {@code dst}. */
    private SSLEngineResult encrypt(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += srcs[i].remaining();
        }
        if (total == 0) {
            return result(Status.OK, 0, 0, false);
        }
        // The whole record must fit, as SunJSSE: a destination too small for it is an overflow,
        // never a reason to cut the data into smaller records.
        int overhead = "TLSv1.3".equals(handshake.session().getProtocol()) ? 22 : 85;
        int chunk = (int) Math.min(total, JtlsSession.APPLICATION_BUFFER_SIZE);
        if (dst.remaining() < chunk + overhead) {
            return result(Status.BUFFER_OVERFLOW, 0, 0, false);
        }
        ByteBuffer plain = Records.gather(srcs, offset, length, chunk);
        int produced;
        try {
            produced = writeRecord(handshake.engine(), plain, dst, overhead);
        } catch (TlsException e) {
            throw fail(e, false);
        }
        return result(Status.OK, chunk, produced, false);
    }

    /**
     * Encrypts {@code plain} (one record's worth, which with {@code overhead} fits {@code dst}):
     * OpenSSL writes the record in place into {@code dst} when it is direct (an output loan),
     * else into this thread's scratch, copied into {@code dst}. Either way the record never
     * passes through the engine's storage, allocated and freed again per record.
     *
     * @return the ciphertext bytes put into {@code dst}
     */
    private int writeRecord(TlsEngine engine, ByteBuffer plain, ByteBuffer dst, int overhead) throws SSLException {
        int chunk = plain.remaining();
        int start = dst.position();
        ByteBuffer out = dst.isDirect() ? dst : LoanScratch.acquire();
        int outStart = out.position();
        int taken;
        try {
            engine.lendOutput(out);
            try {
                taken = engine.clearIn(plain, overhead);
            } catch (RuntimeException e) {
                engine.endOutputLoan(out);
                out.position(outStart); // nothing produced: the call fails (the fatal alert is lost with it)
                throw e;
            }
            engine.endOutputLoan(out);
            if (out != dst) {
                out.flip();
                if (out.remaining() > dst.remaining()) {
                    throw new SSLException("a record did not fit the destination buffer");
                }
                dst.put(out);
            }
        } finally {
            if (out != dst) {
                LoanScratch.release(out);
            }
        }
        if (taken != chunk) {
            throw new SSLException("OpenSSL took " + taken + " of " + chunk + " bytes");
        }
        if (handshake.pending() > 0) { // not lent after all (or past the loan's end): the storage's turn
            engine.encOut(dst);
            if (handshake.pending() > 0) {
                throw new SSLException("a record did not fit the destination buffer");
            }
        }
        return dst.position() - start;
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
        Objects.requireNonNull(src, "src");
        Objects.checkFromIndexSize(offset, length, Objects.requireNonNull(dsts, "dsts").length);
        long room = 0;
        for (int i = offset; i < offset + length; i++) {
            if (dsts[i].isReadOnly()) {
                throw new ReadOnlyBufferException();
            }
            room += dsts[i].remaining();
        }
        synchronized (lock) {
            requireMode();
            if (failure != null || inboundDone) {
                return result(Status.CLOSED, 0, 0, false);
            }
            start();
            try {
                handshake.throwTrustFailure();
            } catch (SSLException e) {
                throw fail(e, true);
            }
            if (handshake.taskPending()) {
                return new SSLEngineResult(Status.OK, HandshakeStatus.NEED_TASK, 0, 0);
            }
            if (!handshake.done() && handshake.pending() > 0) {
                return result(Status.OK, 0, 0, false); // our flight goes first: NEED_WRAP
            }
            if (src.remaining() < 5) {
                return result(Status.BUFFER_UNDERFLOW, 0, 0, false);
            }
            int p = src.position();
            int type = src.get(p) & 0xFF;
            int recordLength = ((src.get(p + 3) & 0xFF) << 8) | (src.get(p + 4) & 0xFF);
            if (type < 20 || type > 24 || (src.get(p + 1) & 0xFF) != 3) {
                throw fail(new SSLException("Unsupported or unrecognized SSL message"), !handshake.done());
            }
            if (recordLength > MAX_RECORD) {
                throw fail(new SSLException("record too long: " + recordLength), !handshake.done());
            }
            if (src.remaining() < 5 + recordLength) {
                return result(Status.BUFFER_UNDERFLOW, 0, 0, false);
            }
            TlsEngine engine = handshake.engine();
            boolean established = engine.state() == EngineState.ESTABLISHED;
            if (established && type == 23 && room < Math.min(recordLength, JtlsSession.APPLICATION_BUFFER_SIZE)) {
                return result(Status.BUFFER_OVERFLOW, 0, 0, false);
            }
            int consumed = 5 + recordLength;
            ByteBuffer record = src.slice(p, consumed);
            src.position(p + consumed);
            int produced = 0;
            try {
                produced = readRecord(engine, record, established, dsts, offset, length, room);
            } catch (TlsException e) {
                throw fail(e, !handshake.done());
            } catch (SSLException e) {
                throw fail(e, true);
            }
            handshake.keepNewSessions();
            if (engine.closeNotifyReceived()) {
                inboundDone = true;
                releaseIfDone();
                return result(Status.CLOSED, consumed, produced, false);
            }
            boolean finished = !handshake.done() && handshake.maybeFinish();
            return result(Status.OK, consumed, produced, finished);
        }
    }

    /**
     * Lends the one record to the engine, OpenSSL reading it in place: {@code record} itself when
     * direct, else a copy in this thread's scratch. Only what OpenSSL left unread (nothing, but
     * for a handshake paused mid-record) is copied into the engine's storage when the loan ends.
     *
     * @return the plaintext bytes put into {@code dsts}
     */
    private int readRecord(TlsEngine engine, ByteBuffer record, boolean established,
                           ByteBuffer[] dsts, int offset, int length, long room) throws SSLException {
        ByteBuffer lent = record.isDirect() ? record : LoanScratch.acquire().put(record).flip();
        try {
            engine.lendInput(lent);
            try {
                if (!established) {
                    handshake.advance();
                    return 0;
                }
                return Records.readPlaintext(engine, dsts, offset, length, room);
            } finally {
                engine.endInputLoan(lent);
            }
        } finally {
            if (lent != record) {
                LoanScratch.release(lent);
            }
        }
    }

    // ------------------------------------------------------------------ status

    private SSLEngineResult result(Status status, int consumed, int produced, boolean finished) {
        return new SSLEngineResult(status, finished ? HandshakeStatus.FINISHED : statusLocked(), consumed, produced);
    }

    private HandshakeStatus statusLocked() {
        if (handshake == null) {
            return HandshakeStatus.NOT_HANDSHAKING;
        }
        if (failure != null) {
            return !outboundDone && handshake.pending() > 0 ? HandshakeStatus.NEED_WRAP : HandshakeStatus.NOT_HANDSHAKING;
        }
        if (handshake.trustFailed()) {
            return HandshakeStatus.NEED_WRAP; // the next wrap reports it
        }
        if (handshake.taskPending()) {
            return HandshakeStatus.NEED_TASK;
        }
        if (outboundClosed) {
            return outboundDone ? HandshakeStatus.NOT_HANDSHAKING : HandshakeStatus.NEED_WRAP;
        }
        if (inboundDone) {
            return HandshakeStatus.NEED_WRAP; // our close_notify answers the peer's
        }
        if (!handshake.done()) {
            if (handshake.pending() > 0 || handshake.readyToFinish()) {
                return HandshakeStatus.NEED_WRAP;
            }
            return HandshakeStatus.NEED_UNWRAP;
        }
        return handshake.pending() > 0 ? HandshakeStatus.NEED_WRAP : HandshakeStatus.NOT_HANDSHAKING;
    }

    @Override
    public HandshakeStatus getHandshakeStatus() {
        synchronized (lock) {
            return statusLocked();
        }
    }

    @Override
    public Runnable getDelegatedTask() {
        synchronized (lock) {
            return handshake == null ? null : handshake.takeTask();
        }
    }

    // ------------------------------------------------------------------ lifecycle

    private void requireMode() {
        if (!modeSet) {
            throw new IllegalStateException("Client/Server mode has not yet been set.");
        }
    }

    /** Creates the connection on first use (beginHandshake, wrap or unwrap). */
    private void start() throws SSLException {
        if (handshake != null) {
            return;
        }
        try {
            handshake = new Handshake(this);
            TlsEngine engine = handshake.engine();
            handshake.setCleanable(CLEANER.register(this, engine::close));
            handshake.begin();
        } catch (RuntimeException e) {
            SSLHandshakeException ex = new SSLHandshakeException("cannot start the handshake: " + e.getMessage());
            ex.initCause(e);
            throw fail(ex, true);
        }
    }

    @Override
    public void beginHandshake() throws SSLException {
        synchronized (lock) {
            requireMode();
            if (failure != null) {
                throw failure;
            }
            if (outboundDone || inboundDone) {
                throw new SSLException("the engine is closed");
            }
            if (handshake != null) {
                if (handshake.done()) {
                    throw new SSLException("renegotiation and key updates are not supported by the jtls provider");
                }
                return;
            }
            start();
        }
    }

    /** Records the first fatal error: nothing more is read, queued alerts still go out through wrap. */
    private SSLException fail(Exception cause, boolean inHandshake) {
        if (failure != null) {
            return failure;
        }
        SSLException e;
        if (cause instanceof SSLException ssl && (!inHandshake || ssl instanceof SSLHandshakeException)) {
            e = ssl;
        } else {
            e = inHandshake ? new SSLHandshakeException(cause.getMessage()) : new SSLException(cause.getMessage());
            e.initCause(cause);
        }
        failure = e;
        inboundDone = true;
        outboundClosed = true;
        if (handshake == null || handshake.pending() == 0) {
            outboundDone = true;
        }
        releaseIfDone();
        return e;
    }

    private SSLEngineResult flushAfterFailure(ByteBuffer dst) {
        int produced = 0;
        if (!outboundDone && handshake != null && handshake.pending() > 0) {
            produced = handshake.engine().encOut(dst);
        }
        if (handshake == null || handshake.pending() == 0) {
            outboundDone = true;
            releaseIfDone();
        }
        return result(Status.CLOSED, 0, produced, false);
    }

    /** Frees the native connection once nothing more can go in or out. */
    private void releaseIfDone() {
        if (inboundDone && outboundDone && handshake != null) {
            handshake.release();
        }
    }

    @Override
    public void closeInbound() throws SSLException {
        synchronized (lock) {
            if (inboundDone) {
                return;
            }
            boolean truncated = handshake != null && failure == null && !handshake.closeNotifyReceived();
            inboundDone = true;
            closeOutboundLocked();
            releaseIfDone();
            if (truncated) {
                throw new SSLException("closing inbound before receiving peer's close_notify");
            }
        }
    }

    @Override
    public boolean isInboundDone() {
        synchronized (lock) {
            return inboundDone;
        }
    }

    @Override
    public void closeOutbound() {
        synchronized (lock) {
            closeOutboundLocked();
        }
    }

    private void closeOutboundLocked() {
        if (outboundClosed) {
            return;
        }
        outboundClosed = true;
        if (handshake == null) {
            outboundDone = true;
            return;
        }
        if (handshake.engine().state() == EngineState.ESTABLISHED) {
            handshake.engine().shutdown(); // close_notify, sent by the next wrap
        } else {
            // Mid-handshake there is nothing orderly to say: the peer sees the transport end.
            handshake.discardOutput();
            outboundDone = true;
            inboundDone = true;
        }
        releaseIfDone();
    }

    @Override
    public boolean isOutboundDone() {
        synchronized (lock) {
            return outboundDone;
        }
    }

    // ------------------------------------------------------------------ sessions

    @Override
    public SSLSession getSession() {
        synchronized (lock) {
            JtlsSession done = handshake == null ? null : handshake.completedSession();
            return done != null ? done : JtlsSession.initial(getPeerHost(), getPeerPort());
        }
    }

    @Override
    public SSLSession getHandshakeSession() {
        synchronized (lock) {
            return handshake == null || handshake.done() ? null : handshake.session();
        }
    }

    @Override
    public String getApplicationProtocol() {
        synchronized (lock) {
            return handshake == null || !handshake.done() ? null : handshake.applicationProtocol();
        }
    }

    @Override
    public String getHandshakeApplicationProtocol() {
        synchronized (lock) {
            return handshake == null || handshake.done() ? null : handshake.applicationProtocol();
        }
    }

    @Override
    public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> selector) {
        synchronized (lock) {
            alpnSelector = selector;
        }
    }

    @Override
    public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
        synchronized (lock) {
            return alpnSelector;
        }
    }

    // ------------------------------------------------------------------ settings

    @Override
    public String[] getSupportedCipherSuites() {
        return CipherSuites.supported();
    }

    @Override
    public String[] getEnabledCipherSuites() {
        synchronized (lock) {
            return settings.cipherSuites.clone();
        }
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        String[] checked = CipherSuites.check(suites);
        synchronized (lock) {
            settings.cipherSuites = checked;
        }
    }

    @Override
    public String[] getSupportedProtocols() {
        return EngineSettings.SUPPORTED_PROTOCOLS.toArray(String[]::new);
    }

    @Override
    public String[] getEnabledProtocols() {
        synchronized (lock) {
            return settings.protocols.clone();
        }
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        String[] checked = EngineSettings.checkProtocols(protocols);
        synchronized (lock) {
            settings.protocols = checked;
            settings.protocolsSet = true;
        }
    }

    @Override
    public void setUseClientMode(boolean mode) {
        synchronized (lock) {
            if (handshake != null) {
                throw new IllegalArgumentException("cannot change the mode after the handshake started");
            }
            if (!settings.protocolsSet) {
                settings.protocols = context.defaultProtocols(mode); // the mode's defaults, unless chosen
            }
            clientMode = mode;
            modeSet = true;
        }
    }

    @Override
    public boolean getUseClientMode() {
        synchronized (lock) {
            return clientMode;
        }
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        synchronized (lock) {
            settings.needClientAuth = need;
            settings.wantClientAuth = false;
        }
    }

    @Override
    public boolean getNeedClientAuth() {
        synchronized (lock) {
            return settings.needClientAuth;
        }
    }

    @Override
    public void setWantClientAuth(boolean want) {
        synchronized (lock) {
            settings.wantClientAuth = want;
            settings.needClientAuth = false;
        }
    }

    @Override
    public boolean getWantClientAuth() {
        synchronized (lock) {
            return settings.wantClientAuth;
        }
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
        synchronized (lock) {
            settings.enableSessionCreation = flag;
        }
    }

    @Override
    public boolean getEnableSessionCreation() {
        synchronized (lock) {
            return settings.enableSessionCreation;
        }
    }

    @Override
    public SSLParameters getSSLParameters() {
        synchronized (lock) {
            return settings.toParameters();
        }
    }

    @Override
    public void setSSLParameters(SSLParameters params) {
        synchronized (lock) {
            settings.apply(params);
        }
    }

    /** True once the native connection was freed (both directions done, or failed): for tests. */
    boolean nativeReleased() {
        synchronized (lock) {
            return handshake != null && handshake.released();
        }
    }

    /** Ciphertext bytes the engine copied into its own storage so far, {@code [in, out]}: for tests. */
    long[] storedByteCounts() {
        synchronized (lock) {
            return handshake == null || handshake.released() ? new long[2] : handshake.engine().storedByteCounts();
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "JtlsSslEngine[" + (clientMode ? "client" : "server") + ", " + getPeerHost() + ":" + getPeerPort()
                    + (handshake == null ? "" : ", " + handshake.session()) + "]";
        }
    }
}
