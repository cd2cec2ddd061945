package io.jtls.internal.engine;

/**
 * Where a {@link TlsEngine} is in its life, each state named after what it waits for
 * (rustls's {@code Expect*}, Node's TLSWrap flags made one enum).
 *
 * <p>Transitions: {@code NEW -> HANDSHAKING -> ESTABLISHED}; from {@code HANDSHAKING} the
 * server may stop in {@code AWAITING_CLIENT_HELLO} or {@code AWAITING_CERT_CALLBACK} until
 * the application calls {@link TlsEngine#resumeHandshake()}; any state may end in
 * {@code FAILED} (a fatal protocol error: the alert is still readable with
 * {@link TlsEngine#encOut}) and every state ends in {@code DESTROYED} at
 * {@link TlsEngine#close()}. The close_notify exchange is tracked apart
 * ({@link TlsEngine#closeNotifySent()}, {@link TlsEngine#closeNotifyReceived()}), since TLS
 * closes each direction on its own.
 */
public enum EngineState {
    /** Created and configured; no handshake message sent or received yet. */
    NEW,
    /** Handshaking: waiting for ciphertext from the peer ({@link TlsEngine#encIn}). */
    HANDSHAKING,
    /**
     * Paused at the ClientHello (server): the application decides (session lookup, SNI
     * context) with {@link TlsEngine#clientHello()} and then calls
     * {@link TlsEngine#resumeHandshake()}. OpenSSL's client hello callback returned
     * {@code SSL_CLIENT_HELLO_RETRY}.
     */
    AWAITING_CLIENT_HELLO,
    /**
     * Paused at certificate selection: a server's at Node's {@code oncertcb} point, where
     * {@code SNICallback} and {@code OCSPRequest} run; a client's once the server's
     * CertificateRequest arrived. OpenSSL's cert callback returned -1.
     */
    AWAITING_CERT_CALLBACK,
    /** The handshake is complete: application data flows both ways. */
    ESTABLISHED,
    /** A fatal error; {@link TlsEngine#failure()} says which. Pending alerts can still be read. */
    FAILED,
    /** {@link TlsEngine#close()} freed the native connection; nothing works any more. */
    DESTROYED;

    /** True while the handshake waits for the application (a pause point). */
    public boolean isPaused() {
        return this == AWAITING_CLIENT_HELLO || this == AWAITING_CERT_CALLBACK;
    }
}
