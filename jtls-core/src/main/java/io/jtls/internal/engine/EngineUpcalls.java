package io.jtls.internal.engine;

import static io.jtls.internal.openssl.Types.C_INT;
import static io.jtls.internal.openssl.Types.C_POINTER;

import io.jtls.internal.openssl.NativeLibrary;
import io.jtls.internal.openssl.SslCalls;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;

/**
 * The C callbacks OpenSSL makes into a connection, each a static method with one upcall stub
 * made once per process.
 *
 * <p>Rules (DESIGN.md, lesson 7): a callback finds its engine through the {@code SSL}'s
 * ex_data id ({@link EngineRegistry}); it never runs application code, only records what
 * happened on the engine and returns, so the engine can report a pause or an error to its
 * caller after OpenSSL returns (the one exception, PSK keys, is {@link PskUpcalls}'); and it
 * catches every {@code Throwable}, records it, and
 * returns the C failure value, since an exception unwinding into OpenSSL would crash the JVM.
 */
final class EngineUpcalls {
    private EngineUpcalls() {}

    /** The {@code SSL} ex_data slot holding the engine id, allocated once per process. */
    static final int EX_INDEX = allocateExIndex();

    /** {@code int verify_callback(int preverify_ok, X509_STORE_CTX *ctx)}: always 1. */
    static final MemorySegment VERIFY_CONTINUE = stub("verifyContinue",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER));

    /** {@code int (*SSL_client_hello_cb_fn)(SSL *s, int *al, void *arg)}. */
    static final MemorySegment CLIENT_HELLO = stub("clientHello",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER));

    /** {@code int (*cert_cb)(SSL *ssl, void *arg)}. */
    static final MemorySegment CERT_CALLBACK = stub("certCallback",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));

    /**
     * {@code int (*SSL_CTX_alpn_select_cb_func)(SSL *ssl, const unsigned char **out,
     * unsigned char *outlen, const unsigned char *in, unsigned int inlen, void *arg)}.
     */
    static final MemorySegment ALPN_SELECT = stub("alpnSelect",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER));

    /** {@code int (*cb)(SSL *s, void *arg)}: the OCSP status callback ({@code SSL_CTX_set_tlsext_status_cb}). */
    static final MemorySegment OCSP_STATUS = stub("ocspStatus",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));
    /** {@code void (*SSL_CTX_keylog_cb_func)(const SSL *ssl, const char *line)}. */
    static final MemorySegment KEYLOG = stub("keylog", FunctionDescriptor.ofVoid(C_POINTER, C_POINTER));

    /** An upcall stub for one of this class's static methods (looked up here: they are package-private). */
    private static MemorySegment stub(String method, FunctionDescriptor descriptor) {
        try {
            MethodHandle target = MethodHandles.lookup().findStatic(EngineUpcalls.class, method, descriptor.toMethodType());
            return NativeLibrary.upcall(target, descriptor);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("bad upcall target EngineUpcalls." + method, e);
        }
    }

    private static int allocateExIndex() {
        int index = SslCalls.SSL_get_ex_new_index(0, MemorySegment.NULL, MemorySegment.NULL,
                MemorySegment.NULL, MemorySegment.NULL);
        if (index < 0) {
            throw new IllegalStateException("SSL_get_ex_new_index failed");
        }
        return index;
    }

    /** The engine that owns {@code ssl}, or null. */
    static TlsEngine engineOf(MemorySegment ssl) {
        return EngineRegistry.lookup(SslCalls.SSL_get_ex_data(ssl, EX_INDEX).address());
    }

    /**
     * Verification never fails inside OpenSSL, as in Node's {@code VerifyCallback}: the
     * handshake always goes on, OpenSSL keeps the verification result
     * ({@code SSL_get_verify_result}), and the layer above decides afterwards
     * ({@code rejectUnauthorized}, {@code checkServerIdentity}). The man page
     * (SSL_CTX_set_verify) allows exactly this for "verification failures that are to be
     * reported later".
     */
    static int verifyContinue(int preverifyOk, MemorySegment x509StoreCtx) {
        return 1;
    }

    static int clientHello(MemorySegment ssl, MemorySegment alert, MemorySegment arg) {
        TlsEngine engine = null;
        try {
            engine = engineOf(ssl);
            if (engine == null) {
                return SslCalls.SSL_CLIENT_HELLO_SUCCESS; // not an engine of ours, or no pause wanted
            }
            return engine.onClientHello() ? SslCalls.SSL_CLIENT_HELLO_RETRY : SslCalls.SSL_CLIENT_HELLO_SUCCESS;
        } catch (Throwable t) {
            if (engine != null) {
                engine.recordUpcallFailure(t);
            }
            alert.reinterpret(ValueLayout.JAVA_INT.byteSize()).set(ValueLayout.JAVA_INT, 0, SslCalls.SSL_AD_INTERNAL_ERROR);
            return SslCalls.SSL_CLIENT_HELLO_ERROR;
        }
    }

    static int certCallback(MemorySegment ssl, MemorySegment arg) {
        TlsEngine engine = null;
        try {
            engine = engineOf(ssl);
            if (engine == null) {
                return 1;
            }
            return engine.onCertCallback() ? -1 : 1;
        } catch (Throwable t) {
            if (engine != null) {
                engine.recordUpcallFailure(t);
            }
            return 0;
        }
    }

    static int alpnSelect(MemorySegment ssl, MemorySegment out, MemorySegment outlen,
                          MemorySegment in, int inlen, MemorySegment arg) {
        TlsEngine engine = null;
        try {
            engine = engineOf(ssl);
            if (engine == null) {
                return SslCalls.SSL_TLSEXT_ERR_NOACK;
            }
            return engine.onAlpnSelect(out, outlen, in, inlen);
        } catch (Throwable t) {
            if (engine != null) {
                engine.recordUpcallFailure(t);
            }
            return SslCalls.SSL_TLSEXT_ERR_ALERT_FATAL;
        }
    }

    /**
     * The OCSP status callback, both sides: a client records the staple it got (always 1, accept:
     * as Node, the application judges the response after the fact); a server answers whether it
     * staples ({@code SSL_TLSEXT_ERR_OK}) or not ({@code SSL_TLSEXT_ERR_NOACK}). A failure
     * returns -1, which both sides treat as fatal.
     */
    static int ocspStatus(MemorySegment ssl, MemorySegment arg) {
        TlsEngine engine = null;
        try {
            engine = engineOf(ssl);
            if (engine == null) {
                return SslCalls.SSL_is_server(ssl) == 1 ? SslCalls.SSL_TLSEXT_ERR_NOACK : 1;
            }
            return engine.onOcspStatus();
        } catch (Throwable t) {
            if (engine != null) {
                engine.recordUpcallFailure(t);
            }
            return -1;
        }
    }

    /** Node's {@code KeylogCallback}: the line is kept by an engine that asked for it, emitted later. */
    static void keylog(MemorySegment ssl, MemorySegment line) {
        TlsEngine engine = null;
        try {
            engine = engineOf(ssl);
            if (engine != null) {
                engine.onKeylogLine(line);
            }
        } catch (Throwable t) {
            if (engine != null) {
                engine.recordUpcallFailure(t);
            }
        }
    }
}
