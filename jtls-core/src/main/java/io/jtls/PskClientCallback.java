package io.jtls;

/**
 * Node's {@code pskCallback(hint)} client option ({@code tls.connect}): the identity and
 * pre-shared key to offer. Called with the server's identity hint in TLS 1.2 (null when it sent
 * none), and with null when a TLS 1.3 ClientHello is built (TLS 1.3 has no hints; the key is
 * used with SHA-256). Return null to offer no PSK: in TLS 1.2 the handshake then fails, in TLS
 * 1.3 the client goes on without one (certificates).
 *
 * <p>A server authenticated by PSK sends no certificate: give {@code tls.connect} a
 * {@code checkServerIdentity} that accepts that (as Node documents), or the default check fails
 * a TLS 1.2 PSK connection with {@code ERR_TLS_CERT_ALTNAME_INVALID}. Node's rules for the
 * answer apply (key up to 512 bytes, identity up to 256 UTF-8 bytes in OpenSSL 3.0, else
 * {@code ERR_INVALID_ARG_VALUE}); an exception thrown here fails the connection with it.
 *
 * <p><b>Synchronous, as in Node</b>: it runs on the connection's event-loop thread from inside
 * OpenSSL's handshake (see {@link PskServerCallback}).
 *
 * <p>Runs on the connection's event loop, which many connections share: never block in it
 * (answer later from another thread where the callback allows it; see the {@linkplain io.jtls
 * package documentation}).
 */
@FunctionalInterface
public interface PskClientCallback {
    /**
     * The identity and key to offer for {@code hint} (null in TLS 1.3), or null for none.
     *
     * @param hint the PSK identity hint
     * @return the identity and key to offer for {@code hint} (null in TLS 1.3), or null for none
     */
    PskIdentity identify(String hint);
}
