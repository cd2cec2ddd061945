package io.jtls.internal.tls;

import io.jtls.error.TlsException;
import io.jtls.internal.engine.TlsEngine;
import java.util.List;

/**
 * The side-specific part of a connection: how the engine is set up, what happens at the
 * handshake's pause points, what is checked once it completes, and where failures are
 * reported. {@link ClientPolicy} is Node's {@code onConnectSecure}, {@link ServerPolicy} its
 * {@code onServerSocketSecure} with SNI, {@code tlsClientError} routing and the renegotiation
 * limit. Loop thread only, driven by its {@link ConnectionDriver}.
 */
public abstract sealed class HandshakePolicy permits ClientPolicy, ServerPolicy {
    final List<String> alpnProtocols;
    private PskFlow psk; // null without pskCallback

    HandshakePolicy(List<String> alpnProtocols) {
        this.alpnProtocols = alpnProtocols;
    }

    abstract boolean isServer();

    /** True when {@code tls.connect} made the transport and connects it itself (it will be destroyed by its loop). */
    boolean connectsTransport() {
        return false;
    }

    /** Sets the engine up before the handshake (verification, ALPN, SNI, sessions, pause points). */
    abstract void configure(TlsEngine engine, SessionFlow sessions);

    /** The server that hears this connection's session callbacks and events, or null. */
    ServerHooks server() {
        return null;
    }

    /**
     * The handshake completed ({@code driver.phase()} is {@link Phase#VERIFYING}, the snapshot is
     * published): emit {@code 'secure'}, check the peer, then {@link ConnectionDriver#allowData()}
     * or destroy.
     */
    abstract void onEstablished(ConnectionDriver driver, TlsEngine engine);

    /**
     * Node's {@code renegotiate(options)}: the verification the next handshake asks for. Only a
     * server's changes anything on the wire (its {@code setVerifyMode}); a client always gets
     * the server's certificate.
     */
    void setVerification(TlsEngine engine, boolean requestCert, boolean rejectUnauthorized) {
    }

    /**
     * A renegotiation completed and its snapshot is published: Node's second {@code 'secure'}
     * (a client's {@code onConnectSecure} ran once, so nothing else is checked).
     */
    void onRenegotiated(ConnectionDriver driver, TlsEngine engine) {
        driver.host().emitSecure();
    }

    /**
     * After each step of the handshake, before its pauses are handled: what the side reports
     * mid-handshake (a client's {@code 'OCSPResponse'}). True when a listener destroyed the socket
     * and the handshake goes no further.
     */
    boolean afterHandshakeStep(ConnectionDriver driver, TlsEngine engine) {
        return false;
    }

    /**
     * The engine paused at the ClientHello (servers), before {@code 'resumeSession'} is asked:
     * false when the policy failed the connection (then nothing more is asked).
     */
    boolean onClientHello(ConnectionDriver driver, TlsEngine engine) {
        return true;
    }

    /** Node's {@code pskCallback} for this connection, before the driver is made (see {@link PskFlow}). */
    public HandshakePolicy withPsk(PskFlow psk) {
        this.psk = psk;
        return this;
    }

    /** Sets up what both sides may have: PSK. */
    void configureCommon(TlsEngine engine) {
        if (psk != null) {
            psk.configure(engine);
        }
    }

    /** The error a callback that ran inside OpenSSL left (see {@link PskFlow}), once; or null. */
    Throwable takeCallbackError() {
        return psk == null ? null : psk.takeError();
    }

    /** The engine paused at the certificate callback (servers: Node's {@code oncertcb}). */
    void onCertCallback(ConnectionDriver driver, TlsEngine engine) {
        driver.resumeHandshake();
    }

    /**
     * Destroys the connection for {@code error}: a server socket whose handshake has not completed
     * reports it as the server's {@code 'tlsClientError'}; any other emits it as {@code 'error'}.
     */
    void fail(ConnectionHost host, Throwable error) {
        host.destroy(error);
    }

    /** Node's message for a transport that ended before the handshake completed. */
    static final String DISCONNECTED_BEFORE_SECURE =
            "Client network socket disconnected before secure TLS connection was established";

    /** The error of a client whose transport ended before the handshake completed (Node's {@code onConnectEnd}). */
    TlsException disconnectedBeforeSecure() {
        return new TlsException("ECONNRESET", DISCONNECTED_BEFORE_SECURE);
    }

    /** The socket closed (its {@code 'close'} event). */
    void onClose(boolean hadError) {
    }

    /**
     * A fatal engine error after the handshake that Node ends without {@code 'error'} (a server
     * that rejects a client without a certificate: the client only sees the alert).
     */
    boolean quietAfterHandshake(TlsException error) {
        return false;
    }

    /** The peer started a renegotiation at {@code now} (the loop clock's nanoTime): true when it is one too many (servers: Node's limit). */
    boolean renegotiationExceeded(long now) {
        return false;
    }

    /**
     * Why this side rejected the peer after the handshake when it destroyed the socket without an
     * error (a server's rejected client certificate, reported later as the cause of
     * {@code 'tlsClientError'}); null otherwise.
     */
    TlsException rejection() {
        return null;
    }

    /** Whether an unverified peer is rejected. */
    public abstract boolean rejectUnauthorized();

    /** Whether the peer's certificate is requested (always, for clients). */
    public abstract boolean requestCert();
}
