package io.jtls.internal.engine;

import io.jtls.internal.openssl.SslCalls;
import io.jtls.internal.openssl.Types;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Copies the ClientHello fields a server decides on out of OpenSSL, from inside the client
 * hello callback ({@code SSL_client_hello_get0_*} work only there). The extension parsing
 * follows Node's {@code GetClientHelloServerName}/{@code GetClientHelloALPN}: anything
 * malformed reads as absent, and OpenSSL rejects the hello itself later.
 */
final class ClientHelloReader {
    private ClientHelloReader() {}

    static ClientHelloInfo read(MemorySegment ssl) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            MemorySegment outLength = arena.allocate(ValueLayout.JAVA_LONG);

            long idLength = SslCalls.SSL_client_hello_get0_session_id(ssl, out);
            byte[] sessionId = idLength <= 0 ? new byte[0] : Types.bytes(out.get(ValueLayout.ADDRESS, 0), idLength);

            byte[] sni = extension(ssl, SslCalls.TLSEXT_TYPE_server_name, out, outLength);
            byte[] ticket = extension(ssl, SslCalls.TLSEXT_TYPE_session_ticket, out, outLength);
            byte[] alpn = extension(ssl, SslCalls.TLSEXT_TYPE_application_layer_protocol_negotiation, out, outLength);

            return new ClientHelloInfo(serverName(sni), sessionId, ticket != null && ticket.length > 0, protocols(alpn));
        }
    }

    /** The extension's body, or null when the client did not send it. */
    private static byte[] extension(MemorySegment ssl, int type, MemorySegment out, MemorySegment outLength) {
        if (SslCalls.SSL_client_hello_get0_ext(ssl, type, out, outLength) != 1) {
            return null;
        }
        long length = outLength.get(ValueLayout.JAVA_LONG, 0);
        return length == 0 ? new byte[0] : Types.bytes(out.get(ValueLayout.ADDRESS, 0), length);
    }

    /**
     * RFC 6066 section 3: a 2-byte list length, then entries of 1-byte type and 2-byte
     * length; the first host_name entry counts. "" when absent, as Node's hello parser.
     */
    private static String serverName(byte[] ext) {
        if (ext == null || ext.length <= 2) {
            return "";
        }
        int listLength = u16(ext, 0);
        if (listLength + 2 != ext.length || ext[2] != SslCalls.TLSEXT_NAMETYPE_host_name || ext.length < 5) {
            return "";
        }
        int nameLength = u16(ext, 3);
        if (5 + nameLength > ext.length) {
            return "";
        }
        return new String(ext, 5, nameLength, StandardCharsets.US_ASCII);
    }

    /** RFC 7301 section 3.1: a 2-byte length, then the wire-format protocol list. */
    private static List<String> protocols(byte[] ext) {
        if (ext == null || ext.length < 2 || u16(ext, 0) + 2 != ext.length) {
            return List.of();
        }
        return Alpn.parse(ext, 2, ext.length - 2);
    }

    private static int u16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }
}
