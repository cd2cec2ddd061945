package io.jtls.internal.engine;

import io.jtls.internal.openssl.SslCalls;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The one parser of the ClientHello extensions a server decides on, over the bytes
 * {@link ClientHelloReader} copied out of OpenSSL. Pure Java on byte arrays the client chose,
 * so it is fuzzed on its own ({@code ClientHelloParserFuzzTest}). Every method takes any bytes,
 * including null for an absent extension, and never throws: anything malformed reads as absent,
 * as in Node's {@code GetClientHelloServerName}/{@code GetClientHelloALPN}, and OpenSSL rejects
 * the hello itself later.
 */
final class ClientHelloParser {
    private ClientHelloParser() {}

    /** The fields of Node's {@code onclienthello} object plus the ALPN offer. */
    static ClientHelloInfo info(ClientHelloBytes hello) {
        byte[] ticket = hello.sessionTicket();
        return new ClientHelloInfo(serverName(hello.serverName()), hello.sessionId(),
                ticket != null && ticket.length > 0, protocols(hello.alpn()));
    }

    /**
     * RFC 6066 section 3: a 2-byte list length, then entries of 1-byte type and 2-byte
     * length; the first entry counts when it is a host_name. "" when absent, as Node's hello parser.
     */
    static String serverName(byte[] ext) {
        if (ext == null || ext.length < 5) {
            return "";
        }
        if (u16(ext, 0) + 2 != ext.length || ext[2] != SslCalls.TLSEXT_NAMETYPE_host_name) {
            return "";
        }
        int nameLength = u16(ext, 3);
        if (5 + nameLength > ext.length) {
            return "";
        }
        return new String(ext, 5, nameLength, StandardCharsets.US_ASCII);
    }

    /** RFC 7301 section 3.1: a 2-byte length, then the wire-format protocol list. */
    static List<String> protocols(byte[] ext) {
        if (ext == null || ext.length < 2 || u16(ext, 0) + 2 != ext.length) {
            return List.of();
        }
        return Alpn.parse(ext, 2, ext.length - 2);
    }

    /** RFC 8446 4.2.1: a 1-byte length, then 2-byte versions; true when {@code version} is among them. */
    static boolean offersVersion(byte[] ext, int version) {
        if (ext == null || ext.length < 1 || (ext[0] & 0xFF) + 1 != ext.length) {
            return false;
        }
        for (int i = 1; i + 1 < ext.length; i += 2) {
            if (u16(ext, i) == version) {
                return true;
            }
        }
        return false;
    }

    /**
     * RFC 8446 4.2.11: identities (2-byte length), each a 2-byte length, the identity and a
     * 4-byte obfuscated age; then the binders. The first identity, or null when malformed.
     */
    static byte[] firstPskIdentity(byte[] ext) {
        if (ext == null || ext.length < 4) {
            return null;
        }
        int identitiesLength = u16(ext, 0);
        int length = u16(ext, 2);
        if (identitiesLength + 2 > ext.length || length + 6 > identitiesLength + 2) {
            return null;
        }
        return Arrays.copyOfRange(ext, 4, 4 + length);
    }

    /**
     * The session id a server with an external cache should look up (see {@link SessionLookup}
     * for why), or null.
     *
     * @param tls13Allowed      the server may negotiate TLS 1.3
     * @param statefulTickets   the server issues stateful TLS 1.3 tickets ({@code SSL_OP_NO_TICKET})
     * @param maxSessionId      the longest session id OpenSSL keeps
     */
    static byte[] idToLookUp(ClientHelloBytes hello, boolean tls13Allowed, boolean statefulTickets, int maxSessionId) {
        if (tls13Allowed && offersVersion(hello.supportedVersions(), SslCalls.TLS1_3_VERSION)) {
            if (!statefulTickets) {
                return null;
            }
            byte[] identity = firstPskIdentity(hello.preSharedKey());
            return identity != null && identity.length > 0 && identity.length <= maxSessionId ? identity : null;
        }
        byte[] id = hello.sessionId();
        if (id.length == 0 || id.length > maxSessionId) {
            return null;
        }
        byte[] ticket = hello.sessionTicket();
        return ticket != null && ticket.length > 0 ? null : id;
    }

    private static int u16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }
}
