package io.jtls.pki;

import io.jtls.internal.openssl.CrlCalls;
import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.Types;
import io.jtls.internal.openssl.X509BuildCalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Adds X.509 v3 extensions written in OpenSSL's config syntax ({@code x509v3_config(5)}),
 * the same text {@code openssl x509 -extfile} reads: {@code basicConstraints =
 * critical,CA:TRUE,pathlen:0}. One instance wraps one {@code X509V3_CTX}, a public struct
 * that OpenSSL fills in and reads (issuer and subject, for the key identifiers).
 */
final class Extensions implements AutoCloseable {
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment ctx;
    private final NativeHandle certificate;
    private final NativeHandle crl;

    private Extensions(NativeHandle issuer, NativeHandle certificate, NativeHandle crl) {
        this.certificate = certificate;
        this.crl = crl;
        this.ctx = arena.allocate(X509BuildCalls.X509V3_CTX_SIZE, 8); // zeroed
        X509BuildCalls.X509V3_set_ctx(ctx, issuer.get(),
                certificate == null ? MemorySegment.NULL : certificate.get(),
                MemorySegment.NULL,
                crl == null ? MemorySegment.NULL : crl.get(), 0);
    }

    /** Extensions for {@code certificate}, issued by {@code issuer} (the same handle when self-signed). */
    static Extensions forCertificate(NativeHandle issuer, NativeHandle certificate) {
        return new Extensions(issuer, certificate, null);
    }

    /** Extensions for a CRL issued by {@code issuer}. */
    static Extensions forCrl(NativeHandle issuer, NativeHandle crl) {
        return new Extensions(issuer, null, crl);
    }

    /** Adds one extension, e.g. {@code add("keyUsage", "critical,keyCertSign,cRLSign")}. */
    Extensions add(String name, String value) {
        ErrorQueue.clear();
        MemorySegment pointer = X509BuildCalls.X509V3_EXT_nconf(MemorySegment.NULL, ctx,
                arena.allocateFrom(name), arena.allocateFrom(value));
        if (Types.isNull(pointer)) {
            throw ErrorQueue.exception("X509V3_EXT_nconf(" + name + "=" + value + ")", "ERR_OSSL_X509V3_EXTENSION_VALUE_ERROR");
        }
        try (NativeHandle extension = NativeHandle.own(NativeKind.X509_EXTENSION, pointer)) {
            // X509_add_ext and X509_CRL_add_ext copy the extension: ours is freed below.
            int ok = certificate != null
                    ? X509BuildCalls.X509_add_ext(certificate.get(), extension.get(), -1)
                    : CrlCalls.X509_CRL_add_ext(crl.get(), extension.get(), -1);
            if (ok <= 0) {
                throw ErrorQueue.exception(certificate != null ? "X509_add_ext" : "X509_CRL_add_ext",
                        "ERR_OSSL_X509_ERROR");
            }
        }
        return this;
    }

    @Override
    public void close() {
        arena.close();
    }
}
