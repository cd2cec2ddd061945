package io.jtls.internal.tls;

import io.jtls.error.TlsException;
import io.jtls.internal.engine.EngineState;
import io.jtls.internal.engine.TlsEngine;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The renegotiations of one connection, after its first handshake: the guard against the
 * peer's (Node's {@code onhandshakestart}: {@code CLIENT_RENEG_LIMIT} per window on servers,
 * {@code disableRenegotiation()} on either side) and the connection's own
 * {@code renegotiate()}, whose completion is Node's second {@code 'secure'}. Loop-confined,
 * like its driver.
 */
final class Renegotiations {
    private final ConnectionDriver driver;
    /** Frames the incoming records, to see handshake records arrive after the handshake. */
    private final HandshakeRecordWatch watch = new HandshakeRecordWatch();
    private boolean disabled;
    /** Handshakes the peer started, the first one included. */
    private int handshakesSeen;
    /** A renegotiation is under way (ours, or the peer's that was let through). */
    private boolean running;

    Renegotiations(ConnectionDriver driver) {
        this.driver = driver;
    }

    /** Refuses the peer's renegotiations from now on (Node's {@code disableRenegotiation()}). */
    void disable() {
        disabled = true;
    }

    boolean running() {
        return running;
    }

    /**
     * Sees every chunk of ciphertext before the engine does (the record framing spans chunks).
     * True when {@code established} and the chunk starts a renegotiation the connection refuses:
     * then the socket was destroyed and the chunk must be dropped. The peer's answer to our own
     * {@code renegotiate()} is not counted.
     */
    boolean refuses(ByteBuffer ciphertext, boolean established) {
        int started = watch.scan(ciphertext);
        if (started == 0) {
            return false;
        }
        // Every handshake after the first is a renegotiation, even one whose first record comes
        // in the same read as the end of the first handshake (a client that renegotiates at once
        // after its Finished): then the connection is not established yet when the chunk is seen.
        handshakesSeen += started;
        if (handshakesSeen <= 1 && !established) {
            return false;
        }
        if (!running && refusePeer()) {
            return true;
        }
        begin();
        return false;
    }

    /**
     * A server counts the peer's renegotiation against its limit, and either side refuses it
     * after {@link #disable()}. Where Node only emits {@code 'error'}, the socket is destroyed
     * with it: the point is to stop the attacker.
     */
    private boolean refusePeer() {
        if (driver.policy().renegotiationExceeded(driver.loop().nanoTime())) {
            driver.host().destroy(new TlsException("ERR_TLS_SESSION_ATTACK", "TLS session renegotiation attack detected"));
            return true;
        }
        if (disabled) {
            driver.host().destroy(new TlsException("ERR_TLS_RENEGOTIATION_DISABLED",
                    "TLS session renegotiation disabled for this socket"));
            return true;
        }
        return false;
    }

    /**
     * Node's {@code renegotiate()}: the verification the next handshake asks for
     * ({@code setVerifyMode} on a server), then the new handshake's first message.
     *
     * @return false when the engine failed (the driver has reported it)
     * @throws TlsException when it cannot start; the connection goes on
     */
    boolean start(TlsEngine engine, boolean requestCert, boolean rejectUnauthorized) {
        driver.policy().setVerification(engine, requestCert, rejectUnauthorized);
        try {
            engine.renegotiate();
        } catch (TlsException e) {
            if (engine.state() != EngineState.FAILED) {
                throw e; // refused before anything was sent
            }
            driver.onEngineError(e);
            return false;
        }
        begin();
        return true;
    }

    /**
     * After engine calls while a renegotiation runs: once OpenSSL is out of the handshake, a new
     * Finished message means it completed (what it established is published, and the policy
     * emits Node's second {@code 'secure'}); the same Finished with nothing left to read, not
     * even the rest of a record, means none took place (a refused HelloRequest).
     */
    void check(TlsEngine engine) {
        if (!running || engine.handshakeInProgress()) {
            return;
        }
        HandshakeSnapshot before = driver.snapshot();
        if (before != null && !Arrays.equals(engine.finished(), before.finished())) {
            end();
            driver.publish(HandshakeSnapshot.capture(engine, before.servername())
                    .authorize(before.authorized(), before.authorizationError()));
            driver.policy().onRenegotiated(driver, engine);
        } else if (engine.encInPending() == 0 && !watch.midRecord()) {
            // Not while a record is half-received: OpenSSL has taken its first bytes (nothing
            // pending in the BIO) but has not seen the handshake message in it yet.
            end();
        }
    }

    /** A renegotiation is under way: bounded by the handshake timeout, like the first handshake. */
    private void begin() {
        if (!running) {
            running = true;
            driver.armHandshakeTimer();
        }
    }

    private void end() {
        running = false;
        driver.cancelHandshakeTimer();
    }
}
