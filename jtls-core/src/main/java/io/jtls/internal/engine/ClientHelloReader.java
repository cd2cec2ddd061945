package io.jtls.internal.engine;

import io.jtls.internal.openssl.SessionCalls;
import io.jtls.internal.openssl.SslCalls;
import io.jtls.internal.openssl.Types;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Copies the ClientHello parts a server decides on out of OpenSSL, from inside the client
 * hello callback ({@code SSL_client_hello_get0_*} work only there). It only copies bytes: all
 * the format knowledge is in {@link ClientHelloParser}, the one parser of these extensions.
 */
final class ClientHelloReader {
    private ClientHelloReader() {}

    static ClientHelloInfo read(MemorySegment ssl) {
        return ClientHelloParser.info(bytes(ssl));
    }

    /** The session id and the extensions, copied. */
    static ClientHelloBytes bytes(MemorySegment ssl) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            MemorySegment outLength = arena.allocate(ValueLayout.JAVA_LONG);
            long idLength = SslCalls.SSL_client_hello_get0_session_id(ssl, out);
            byte[] sessionId = idLength <= 0 ? new byte[0] : Types.bytes(out.get(ValueLayout.ADDRESS, 0), idLength);
            return new ClientHelloBytes(sessionId,
                    extension(ssl, SslCalls.TLSEXT_TYPE_server_name, out, outLength),
                    extension(ssl, SslCalls.TLSEXT_TYPE_session_ticket, out, outLength),
                    extension(ssl, SslCalls.TLSEXT_TYPE_application_layer_protocol_negotiation, out, outLength),
                    extension(ssl, SessionCalls.TLSEXT_TYPE_supported_versions, out, outLength),
                    extension(ssl, SessionCalls.TLSEXT_TYPE_psk, out, outLength));
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
}
