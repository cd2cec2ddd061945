package io.jtls.internal.engine;

/**
 * The points where a handshake can stop and wait for the application, for Node's asynchronous
 * hooks (a server's) and JSSE's key manager (a client's certificate choice). Enable one with
 * {@link TlsEngine#pauseAt(PausePoint)} before the handshake; when reached, the engine reports
 * the matching paused {@link EngineState}.
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
     * {@code SNICallback} and {@code OCSPRequest} run. OpenSSL's {@code SSL_set_cert_cb}. On a
     * client, OpenSSL calls it when the server's CertificateRequest arrived: where a client
     * certificate is chosen by the server's CA names ({@link TlsEngine#peerCaNames()}).
     */
    CERT_CALLBACK
}
