package io.jtls.internal.tls;

import java.util.List;

/**
 * A server's {@code ALPNCallback} seen from below: the protocol to select from the client's
 * offer, or null to refuse them all. Called on the connection's loop at the ClientHello pause,
 * before OpenSSL's ALPN selection, which then answers from the recorded choice.
 */
@FunctionalInterface
public interface AlpnSelector {
    /**
     * @param servername the SNI name the client sent, or null (Node: {@code false})
     * @param protocols  the protocols the client offered, in its order (never empty)
     */
    String select(String servername, List<String> protocols);
}
