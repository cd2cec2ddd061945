package io.jtls;

import java.util.List;

/**
 * Node's {@code ALPNCallback({servername, protocols})} server option (Node 20): the server picks
 * the application protocol from the client's offer. Mutually exclusive with
 * {@code alpnProtocols} ({@code ERR_TLS_ALPN_CALLBACK_WITH_PROTOCOLS}, as Node).
 *
 * <p>Return one of {@code protocols}; null (Node's {@code undefined}) refuses them all and the
 * handshake fails with a fatal {@code no_application_protocol} alert. A protocol the client did
 * not offer fails the connection with {@code ERR_TLS_ALPN_CALLBACK_INVALID_RESULT}, and an
 * exception thrown here fails it with that exception (both {@code 'tlsClientError'}; the client
 * sees the connection reset, as with Node). Not called when the client offers no ALPN.
 *
 * <p>Called synchronously on the connection's event-loop thread, while the handshake waits at the
 * ClientHello (never from inside OpenSSL); OpenSSL's ALPN selection then answers with the choice.
 * So, unlike Node, it runs before the {@link SniCallback} of the same handshake, not after it;
 * the {@code servername} it gets is the one the client sent either way.
 *
 * <p>Runs on the connection's event loop, which many connections share: never block in it
 * (answer later from another thread where the callback allows it; see the {@linkplain io.jtls
 * package documentation}).
 */
@FunctionalInterface
public interface AlpnCallback {
    /**
     * Chooses the protocol of a connection.
     *
     * @param servername the SNI host name the client sent, or null (Node: {@code false})
     * @param protocols  the protocols the client offered, in its order
     * @return the protocol to select, or null to refuse all
     */
    String select(String servername, List<String> protocols);
}
