package io.jtls.internal.engine;

import io.jtls.context.Constants;
import io.jtls.internal.openssl.SessionCalls;
import io.jtls.internal.openssl.SslCalls;
import io.jtls.internal.openssl.Types;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

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
 * up"; OpenSSL rejects a malformed hello itself.
 */
final class SessionLookup {
    private SessionLookup() {}

    /** The id to look up, or null when the cache cannot help this handshake. */
    static byte[] idToLookUp(MemorySegment ssl) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            MemorySegment outLength = arena.allocate(ValueLayout.JAVA_LONG);
            if (willNegotiateTls13(ssl, out, outLength)) {
                if ((SslCalls.SSL_get_options(ssl) & Constants.SSL_OP_NO_TICKET) == 0) {
                    return null;
                }
                byte[] identity = firstPskIdentity(extension(ssl, SessionCalls.TLSEXT_TYPE_psk, out, outLength));
                return identity != null && identity.length > 0
                        && identity.length <= SessionCalls.SSL_MAX_SSL_SESSION_ID_LENGTH ? identity : null;
            }
            long idLength = SslCalls.SSL_client_hello_get0_session_id(ssl, out);
            if (idLength <= 0 || idLength > SessionCalls.SSL_MAX_SSL_SESSION_ID_LENGTH) {
                return null;
            }
            byte[] id = Types.bytes(out.get(ValueLayout.ADDRESS, 0), idLength);
            byte[] ticket = extension(ssl, SslCalls.TLSEXT_TYPE_session_ticket, out, outLength);
            return ticket != null && ticket.length > 0 ? null : id;
        }
    }

    private static boolean willNegotiateTls13(MemorySegment ssl, MemorySegment out, MemorySegment outLength) {
        int max = SessionCalls.SSL_get_max_proto_version(ssl);
        if ((max != 0 && max < SslCalls.TLS1_3_VERSION) || (SslCalls.SSL_get_options(ssl) & Constants.SSL_OP_NO_TLSv1_3) != 0) {
            return false;
        }
        // RFC 8446 4.2.1: a 1-byte length, then 2-byte versions.
        byte[] versions = extension(ssl, SessionCalls.TLSEXT_TYPE_supported_versions, out, outLength);
        if (versions == null || versions.length < 1 || (versions[0] & 0xFF) + 1 != versions.length) {
            return false;
        }
        for (int i = 1; i + 1 < versions.length; i += 2) {
            if (u16(versions, i) == SslCalls.TLS1_3_VERSION) {
                return true;
            }
        }
        return false;
    }

    /**
     * RFC 8446 4.2.11: identities (2-byte length), each a 2-byte length, the identity and a
     * 4-byte obfuscated age; then the binders.
     */
    private static byte[] firstPskIdentity(byte[] ext) {
        if (ext == null || ext.length < 4) {
            return null;
        }
        int identitiesLength = u16(ext, 0);
        int length = u16(ext, 2);
        if (identitiesLength + 2 > ext.length || length + 6 > identitiesLength + 2) {
            return null;
        }
        return java.util.Arrays.copyOfRange(ext, 4, 4 + length);
    }

    /** The extension's body, or null when the client did not send it. */
    private static byte[] extension(MemorySegment ssl, int type, MemorySegment out, MemorySegment outLength) {
        if (SslCalls.SSL_client_hello_get0_ext(ssl, type, out, outLength) != 1) {
            return null;
        }
        long length = outLength.get(ValueLayout.JAVA_LONG, 0);
        return length == 0 ? new byte[0] : Types.bytes(out.get(ValueLayout.ADDRESS, 0), length);
    }

    private static int u16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }
}
