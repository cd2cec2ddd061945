package io.jtls.internal.openssl;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The kinds of OpenSSL object jtls owns, each with the C function that frees one reference,
 * and a live count per kind so that tests can prove nothing leaks.
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
    private final AtomicLong live = new AtomicLong();
    private final AtomicLong leaked = new AtomicLong();
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
        return live.get();
    }

    /** Objects of this kind that were found unreachable without being closed (freed by the Cleaner). */
    public long leaked() {
        return leaked.get();
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
            if (kind.live() != 0) {
                sb.append(sb.isEmpty() ? "" : ", ").append(kind).append('=').append(kind.live());
            }
        }
        return sb.isEmpty() ? "none" : sb.toString();
    }

    void acquired() {
        live.incrementAndGet();
    }

    void released() {
        live.decrementAndGet();
    }

    void leakedOne() {
        leaked.incrementAndGet();
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
