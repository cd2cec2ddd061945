package io.jtls.internal.engine;

import static io.jtls.internal.openssl.Types.C_INT;
import static io.jtls.internal.openssl.Types.C_POINTER;

import io.jtls.internal.openssl.NativeLibrary;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;

/**
 * OpenSSL's PSK callbacks, set per connection ({@code SSL_set_psk_*_callback}) on the
 * connections that use PSK: a context-wide callback would make OpenSSL offer (client) and accept
 * (server) PSK cipher suites on every connection of the context, and send every TLS 1.3 ticket
 * through the server callback first. One stub per process, made when the first PSK connection
 * is set up. Unlike every other upcall these run the application's key function: see
 * {@link Psk} for why and under which guards. Every {@code Throwable} is caught; the failure
 * value 0 ends the handshake (no key).
 */
final class PskUpcalls {
    private PskUpcalls() {}

    /** {@code unsigned int (*)(SSL *ssl, const char *identity, unsigned char *psk, unsigned int max_psk_len)}. */
    static final MemorySegment SERVER = stub("server", FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_INT));

    /**
     * {@code unsigned int (*)(SSL *ssl, const char *hint, char *identity, unsigned int max_identity_len,
     * unsigned char *psk, unsigned int max_psk_len)}.
     */
    static final MemorySegment CLIENT = stub("client",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER, C_INT));

    private static MemorySegment stub(String method, FunctionDescriptor descriptor) {
        try {
            return NativeLibrary.upcall(MethodHandles.lookup().findStatic(PskUpcalls.class, method,
                    descriptor.toMethodType()), descriptor);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("bad upcall target PskUpcalls." + method, e);
        }
    }

    static int server(MemorySegment ssl, MemorySegment identity, MemorySegment psk, int maxPskLength) {
        TlsEngine engine = null;
        try {
            engine = EngineUpcalls.engineOf(ssl);
            return engine == null ? 0 : engine.onPskServer(identity, psk, maxPskLength);
        } catch (Throwable t) {
            if (engine != null) {
                engine.recordUpcallFailure(t);
            }
            return 0;
        }
    }

    static int client(MemorySegment ssl, MemorySegment hint, MemorySegment identity, int maxIdentityLength,
                      MemorySegment psk, int maxPskLength) {
        TlsEngine engine = null;
        try {
            engine = EngineUpcalls.engineOf(ssl);
            return engine == null ? 0 : engine.onPskClient(hint, identity, maxIdentityLength, psk, maxPskLength);
        } catch (Throwable t) {
            if (engine != null) {
                engine.recordUpcallFailure(t);
            }
            return 0;
        }
    }
}
