package io.jtls.internal.x509;

import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.X509Calls;
import io.jtls.internal.openssl.X509FieldCalls;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Where {@link CertificateChain} finds issuers the peer did not send: Node asks the context's
 * trust store ({@code SSL_CTX_get_issuer}, that is {@code X509_STORE_CTX_get1_issuer}). The
 * engine implements this over its {@code X509_STORE}; {@link #among(List)} serves a plain list.
 */
@FunctionalInterface
public interface IssuerLookup {
    /**
     * An issuer of {@code x509}, as an owned reference ({@code get1}/{@code up_ref}) the chain
     * helper closes, or null when there is none.
     */
    NativeHandle findIssuer(MemorySegment x509);

    /** No trust store: the chain ends with what the peer sent. */
    IssuerLookup NONE = x509 -> null;

    /**
     * The first of {@code candidates} that issued the certificate ({@code X509_check_issued}),
     * up-ref'd. The list's pointers must stay valid while the chain is built.
     */
    static IssuerLookup among(List<MemorySegment> candidates) {
        List<MemorySegment> copy = List.copyOf(candidates);
        return x509 -> {
            for (MemorySegment candidate : copy) {
                if (X509FieldCalls.X509_check_issued(candidate, x509) == X509FieldCalls.X509_V_OK) {
                    if (X509Calls.X509_up_ref(candidate) != 1) {
                        return null;
                    }
                    return NativeHandle.own(NativeKind.X509, candidate);
                }
            }
            return null;
        };
    }
}
