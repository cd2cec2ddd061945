package io.jtls.internal.openssl;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.LongAdder;

/**
 * The kinds of OpenSSL object jtls owns, each with the C function that frees one reference,
 * and a live count per kind so that tests can prove nothing leaks.
 *
 * <p>The counts change with every connection, on every event loop at once: each is a
 * {@link LongAdder} (striped per thread under contention, summed on read) rather than one atomic
 * word all loops would bounce between their caches. A read while objects are being made or freed
 * is a moment's estimate; once every owner is done it is exact.
 */
public enum NativeKind {
    SSL_CTX("SSL_CTX_free"),
    SSL("SSL_free"),
    BIO("BIO_free"),
    X509("X509_free"),
    X509_CRL("X509_CRL_free"),
    X509_STORE("X509_STORE_free"),
    X509_STORE_CTX("X509_STORE_CTX_free"),
    X509_NAME("X509_NAME_free"),
    X509_REQ("X509_REQ_free"),
    X509_EXTENSION("X509_EXTENSION_free"),
    X509_REVOKED("X509_REVOKED_free"),
    /** A {@code STACK_OF(...)}: {@code OPENSSL_sk_free} frees the stack, not its elements. */
    OPENSSL_STACK("OPENSSL_sk_free"),
    GENERAL_NAMES("GENERAL_NAMES_free"),
    AUTHORITY_INFO_ACCESS("AUTHORITY_INFO_ACCESS_free"),
    EXTENDED_KEY_USAGE("EXTENDED_KEY_USAGE_free"),
    EVP_PKEY("EVP_PKEY_free"),
    EVP_PKEY_CTX("EVP_PKEY_CTX_free"),
    SSL_SESSION("SSL_SESSION_free"),
    PKCS12("PKCS12_free"),
    BIGNUM("BN_free"),
    ASN1_INTEGER("ASN1_INTEGER_free"),
    ASN1_TIME("ASN1_TIME_free"),
    OCSP_RESPONSE("OCSP_RESPONSE_free"),
    OCSP_REQUEST("OCSP_REQUEST_free"),
    OCSP_BASICRESP("OCSP_BASICRESP_free"),
    OCSP_CERTID("OCSP_CERTID_free"),
    ENGINE("ENGINE_free"),
    /** Memory from {@code OPENSSL_malloc}: freed with {@code CRYPTO_free(ptr, file, line)}. */
    OPENSSL_MEMORY("CRYPTO_free") {
        @Override
        MethodHandle makeFree() {
            return NativeLibrary.downcall("CRYPTO_free",
                    FunctionDescriptor.ofVoid(Types.C_POINTER, Types.C_POINTER, Types.C_INT));
        }

        @Override
        void free(MemorySegment pointer) throws Throwable {
            freeHandle().invokeExact(pointer, MemorySegment.NULL, 0);
        }
    };

    private final String freeFunction;
    private final LongAdder live = new LongAdder();
    private final LongAdder leaked = new LongAdder();
    private final LongAdder cleanerRegistrations = new LongAdder();
    private volatile MethodHandle free;

    NativeKind(String freeFunction) {
        this.freeFunction = freeFunction;
    }

    /** The C function that frees one reference of this kind. */
    public String freeFunction() {
        return freeFunction;
    }

    /** Objects of this kind that a Java owner holds now. */
    public long live() {
        return live.sum();
    }

    /** Objects of this kind that were found unreachable without being closed (freed by the Cleaner). */
    public long leaked() {
        return leaked.sum();
    }

    /**
     * Handles of this kind registered with the Cleaner so far (it only grows): those a user may
     * leak. A socket's engine skips it ({@link NativeHandle#ownAlwaysClosed}); tests check that.
     */
    public long cleanerRegistrations() {
        return cleanerRegistrations.sum();
    }

    /** Live native objects of all kinds. */
    public static long liveTotal() {
        long total = 0;
        for (NativeKind kind : values()) {
            total += kind.live();
        }
        return total;
    }

    /** A readable summary of the non-zero live counts, for test failure messages. */
    public static String liveSummary() {
        StringBuilder sb = new StringBuilder();
        for (NativeKind kind : values()) {
            long n = kind.live();
            if (n != 0) {
                sb.append(sb.isEmpty() ? "" : ", ").append(kind).append('=').append(n);
            }
        }
        return sb.isEmpty() ? "none" : sb.toString();
    }

    void acquired() {
        live.increment();
    }

    void released() {
        live.decrement();
    }

    void registeredWithCleaner() {
        cleanerRegistrations.increment();
    }

    void leakedOne() {
        leaked.increment();
    }

    MethodHandle makeFree() {
        return NativeLibrary.optionalDowncall(freeFunction, FunctionDescriptor.ofVoid(Types.C_POINTER));
    }

    final MethodHandle freeHandle() {
        MethodHandle h = free;
        if (h == null) {
            h = makeFree();
            free = h;
        }
        return h;
    }

    void free(MemorySegment pointer) throws Throwable {
        freeHandle().invokeExact(pointer);
    }
}
