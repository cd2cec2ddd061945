package io.jtls.internal.engine;

import java.util.List;

/**
 * What a server saw in the ClientHello, copied out inside OpenSSL's client hello callback
 * (the only time OpenSSL offers it): the fields of Node's {@code onclienthello} object plus
 * the ALPN offer.
 *
 * @param servername    the SNI host name, or {@code ""} when the client sent none (as Node's parser)
 * @param sessionId     the legacy session id (32 random bytes from TLS 1.3 clients; empty when none)
 * @param hasTicket     true when the client sent a non-empty session ticket extension (Node's {@code tlsTicket})
 * @param alpnProtocols the ALPN protocols offered, in the client's order; empty when none
 */
public record ClientHelloInfo(String servername, byte[] sessionId, boolean hasTicket, List<String> alpnProtocols) {
    public ClientHelloInfo {
        sessionId = sessionId.clone();
        alpnProtocols = List.copyOf(alpnProtocols);
    }

    @Override
    public byte[] sessionId() {
        return sessionId.clone();
    }
}
