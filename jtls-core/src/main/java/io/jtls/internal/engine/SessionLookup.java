package io.jtls.internal.engine;

import io.jtls.context.Constants;
import io.jtls.internal.openssl.SessionCalls;
import io.jtls.internal.openssl.SslCalls;
import java.lang.foreign.MemorySegment;

/**
 * Which session id a server should look up in its external cache (Node's
 * {@code 'resumeSession'}) for a ClientHello, read inside OpenSSL's client hello callback,
 * before OpenSSL itself looks for a session. The answer follows where OpenSSL will look
 * ({@code ssl_get_prev_session}), so that the application is asked only when its answer can be
 * used:
 * <ul>
 *   <li><b>TLS 1.2 and below</b>: the legacy session id, unless the client sent a non-empty
 *       session ticket (OpenSSL then resumes from the ticket or not at all; Node's
 *       {@code hello.tlsTicket} rule).</li>
 *   <li><b>TLS 1.3</b>: the first pre_shared_key identity, when the server issues stateful
 *       tickets ({@code SSL_OP_NO_TICKET}: the identity is then the session id, at most 32
 *       bytes). With stateless tickets OpenSSL opens the ticket itself. The legacy session id
 *       of a TLS 1.3 ClientHello is random (middlebox compatibility) and is never looked up:
 *       Node asks its {@code 'resumeSession'} listeners about it, in vain, on every TLS 1.3
 *       handshake.</li>
 * </ul>
 * Whether TLS 1.3 will be negotiated is decided as OpenSSL will: the client lists TLS 1.3 in
 * supported_versions and the server allows it. Anything malformed reads as "nothing to look
 * up" ({@link ClientHelloParser}); OpenSSL rejects a malformed hello itself.
 */
final class SessionLookup {
    private SessionLookup() {}

    /** The id to look up, or null when the cache cannot help this handshake. */
    static byte[] idToLookUp(MemorySegment ssl) {
        int max = SessionCalls.SSL_get_max_proto_version(ssl);
        long options = SslCalls.SSL_get_options(ssl);
        boolean tls13Allowed = (max == 0 || max >= SslCalls.TLS1_3_VERSION) && (options & Constants.SSL_OP_NO_TLSv1_3) == 0;
        boolean statefulTickets = (options & Constants.SSL_OP_NO_TICKET) != 0;
        return ClientHelloParser.idToLookUp(ClientHelloReader.bytes(ssl), tls13Allowed, statefulTickets,
                SessionCalls.SSL_MAX_SSL_SESSION_ID_LENGTH);
    }
}
