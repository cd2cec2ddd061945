package io.jtls;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a {@link TlsServer} has done since it was made: an immutable snapshot from
 * {@link TlsServer#stats()}, for dashboards and alerts (the {@code jtls-micrometer} module binds
 * it to Micrometer). Counts only grow, except {@link #connectionsOpen()}.
 *
 * <p>A handshake <em>completed</em> when the server would emit {@code 'secureConnection'} (the
 * client passed {@code requestCert}/{@code rejectUnauthorized}); it <em>failed</em> when the
 * server emitted {@code 'tlsClientError'}, counted by the error's code, except a client
 * certificate the server rejected (Node's {@code ECONNRESET "socket hang up"} with the reason as
 * its cause), counted by the verification code ({@code DEPTH_ZERO_SELF_SIGNED_CERT}, ...). A
 * client that connects and leaves without a byte is an {@code ECONNRESET} failure, as in Node.
 *
 * @param connectionsOpen     the server's open connections (TLS or still handshaking) now
 * @param handshakesCompleted handshakes completed
 * @param handshakesResumed   of those, resumed ones (a session id or ticket accepted)
 * @param completedByProtocol completed handshakes by protocol ({@code "TLSv1.3"}, {@code "TLSv1.2"}, ...), sorted by name
 * @param resumedByProtocol   resumed handshakes by protocol, sorted by name
 * @param handshakesFailed    handshakes that failed ({@code 'tlsClientError'})
 * @param failuresByCode      failed handshakes by code, sorted by code; codes past the 64th distinct one count under {@code "other"}
 * @param bytesIn             bytes received from clients (TLS records, as the network carried them), closed connections included
 * @param bytesOut            bytes sent to clients, closed connections included
 */
public record TlsServerStats(int connectionsOpen, long handshakesCompleted, long handshakesResumed,
                             Map<String, Long> completedByProtocol, Map<String, Long> resumedByProtocol,
                             long handshakesFailed, Map<String, Long> failuresByCode, long bytesIn, long bytesOut) {
    /** Copies the maps into sorted, unmodifiable ones. */
    public TlsServerStats {
        completedByProtocol = sorted(completedByProtocol);
        resumedByProtocol = sorted(resumedByProtocol);
        failuresByCode = sorted(failuresByCode);
    }

    /**
     * The share of completed handshakes that resumed a session, from 0 to 1; 0 before the first.
     *
     * @return {@code handshakesResumed / handshakesCompleted}, or 0
     */
    public double resumptionRate() {
        return handshakesCompleted == 0 ? 0 : (double) handshakesResumed / handshakesCompleted;
    }

    private static Map<String, Long> sorted(Map<String, Long> counts) {
        return Collections.unmodifiableMap(new TreeMap<>(counts));
    }
}
