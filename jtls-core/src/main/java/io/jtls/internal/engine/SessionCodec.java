package io.jtls.internal.engine;

import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.SslCalls;
import io.jtls.internal.openssl.Types;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * TLS sessions in and out of OpenSSL's DER form ({@code i2d_SSL_SESSION}/{@code d2i_SSL_SESSION}):
 * the bytes of Node's {@code tlsSocket.getSession()} and the {@code session} option.
 */
final class SessionCodec {
    private SessionCodec() {}

    /** The DER form of a borrowed {@code SSL_SESSION *}; null for NULL or a session that does not encode. */
    static byte[] encode(MemorySegment session) {
        if (Types.isNull(session)) {
            return null;
        }
        int length = SslCalls.i2d_SSL_SESSION(session, MemorySegment.NULL);
        if (length <= 0) {
            ErrorQueue.clear();
            return null;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment der = arena.allocate(length);
            MemorySegment cursor = arena.allocateFrom(ValueLayout.ADDRESS, der); // i2d advances it
            SslCalls.i2d_SSL_SESSION(session, cursor);
            return der.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** An owned {@code SSL_SESSION} parsed from DER, or null when the bytes are no session (as Node, no error). */
    static NativeHandle decode(byte[] der) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = arena.allocateFrom(ValueLayout.JAVA_BYTE, der);
            MemorySegment cursor = arena.allocateFrom(ValueLayout.ADDRESS, bytes);
            ErrorQueue.clear();
            MemorySegment parsed = SslCalls.d2i_SSL_SESSION(MemorySegment.NULL, cursor, der.length);
            if (Types.isNull(parsed)) {
                ErrorQueue.clear();
                return null;
            }
            return NativeHandle.own(NativeKind.SSL_SESSION, parsed);
        }
    }
}
