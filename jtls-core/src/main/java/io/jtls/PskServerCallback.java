package io.jtls;

/**
 * Node's {@code pskCallback(socket, identity)} server option: the pre-shared key for the
 * identity a client sent, for TLS 1.2 PSK cipher suites (name them in {@code ciphers}, e.g.
 * {@code "PSK-AES128-GCM-SHA256"}: Node's default list has none) and TLS 1.3 external PSKs (used
 * with SHA-256, so with {@code TLS_AES_128_GCM_SHA256} or {@code TLS_CHACHA20_POLY1305_SHA256}).
 *
 * <p>Return null for an unknown identity: the handshake fails with an
 * {@code unknown_psk_identity} alert (TLS 1.2). A server that wants to hide which identities it
 * knows returns random bytes instead, and the handshake fails later with {@code decrypt_error},
 * as Node documents. A key longer than OpenSSL takes (512 bytes in OpenSSL 3.0) fails with
 * Node's {@code ERR_INVALID_ARG_VALUE}; an exception thrown here fails the connection with that
 * exception ({@code 'tlsClientError'}). An identity that is not valid UTF-8 is refused without
 * asking, as in Node.
 *
 * <p><b>Synchronous, as in Node</b> (which documents that PSK callbacks cannot be asynchronous:
 * OpenSSL cannot wait for them). It runs on the connection's event-loop thread from inside
 * OpenSSL's handshake, the only jtls callback that does: return quickly, do not block, and do
 * not drive the socket from here (reading its properties is fine; writes are queued; a
 * {@code destroy()} takes effect when OpenSSL returns).
 *
 * <p>Runs on the connection's event loop, which many connections share: never block in it
 * (answer later from another thread where the callback allows it; see the {@linkplain io.jtls
 * package documentation}).
 */
@FunctionalInterface
public interface PskServerCallback {
    /**
     * The key for the identity a client sent.
     *
     * @param socket   the server socket of this connection
     * @param identity the identity the client sent
     * @return the key, or null for an unknown identity
     */
    byte[] key(TlsSocket socket, String identity);
}
