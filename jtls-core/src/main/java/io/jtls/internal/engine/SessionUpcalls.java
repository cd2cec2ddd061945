package io.jtls.internal.engine;

import static io.jtls.internal.openssl.Types.C_INT;
import static io.jtls.internal.openssl.Types.C_POINTER;

import io.jtls.internal.openssl.NativeLibrary;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;

/**
 * The external session cache callbacks (Node's {@code SetNewSessionCallback} and
 * {@code SetGetSessionCallback}), installed on every context by {@link ContextHooks}. They follow {@link EngineUpcalls}' rules: find the engine
 * through the {@code SSL}'s ex_data, record, return; no application code; every
 * {@code Throwable} caught.
 *
 * <p>Connections that did not enable session callbacks answer "not kept" and "not found".
 * OpenSSL calls them on the connection's session context: the one it was made from, which SNI
 * never changes.
 */
final class SessionUpcalls {
    private SessionUpcalls() {}

    /** {@code int (*new_session_cb)(SSL *, SSL_SESSION *)}. */
    static final MemorySegment NEW_SESSION = stub("newSession", FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));

    /** {@code SSL_SESSION *(*get_session_cb)(SSL *, const unsigned char *, int, int *)}. */
    static final MemorySegment GET_SESSION = stub("getSession",
            FunctionDescriptor.of(C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER));

    private static MemorySegment stub(String method, FunctionDescriptor descriptor) {
        try {
            return NativeLibrary.upcall(MethodHandles.lookup().findStatic(SessionUpcalls.class, method,
                    descriptor.toMethodType()), descriptor);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("bad upcall target SessionUpcalls." + method, e);
        }
    }

    /**
     * 1 keeps the reference OpenSSL took for us (the engine owns it from now on); 0 lets OpenSSL
     * drop it. The session is encoded later, after the engine call returns.
     */
    static int newSession(MemorySegment ssl, MemorySegment session) {
        TlsEngine engine = null;
        try {
            engine = EngineUpcalls.engineOf(ssl);
            return engine != null && engine.onNewSession(session) ? 1 : 0;
        } catch (Throwable t) {
            if (engine != null) {
                engine.recordUpcallFailure(t);
            }
            return 0;
        }
    }

    /** The loaded session with {@code *copy = 0}, or NULL: a cache miss, and a full handshake. */
    static MemorySegment getSession(MemorySegment ssl, MemorySegment id, int length, MemorySegment copy) {
        TlsEngine engine = null;
        try {
            engine = EngineUpcalls.engineOf(ssl);
            return engine == null ? MemorySegment.NULL : engine.onGetSession(id, length, copy);
        } catch (Throwable t) {
            if (engine != null) {
                engine.recordUpcallFailure(t);
            }
            return MemorySegment.NULL;
        }
    }
}
