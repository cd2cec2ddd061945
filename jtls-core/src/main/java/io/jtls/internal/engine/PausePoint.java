package io.jtls.internal.engine;

/**
 * The points where a server handshake can stop and wait for the application, for Node's
 * asynchronous hooks. Enable one with {@link TlsEngine#pauseAt(PausePoint)} before the
 * handshake; when reached, the engine reports the matching paused {@link EngineState}.
 */
public enum PausePoint {
    /**
     * Right after the ClientHello is parsed, before anything is chosen: Node's
     * {@code 'resumeSession'} lookup (Node parses the hello itself for that), and the place
     * to swap the {@code SSL_CTX} for SNI. OpenSSL's client hello callback.
     */
    CLIENT_HELLO,
    /**
     * When OpenSSL is about to use the server certificate: Node's {@code oncertcb}, where
     * {@code SNICallback} and {@code OCSPRequest} run. OpenSSL's {@code SSL_set_cert_cb}.
     */
    CERT_CALLBACK
}
