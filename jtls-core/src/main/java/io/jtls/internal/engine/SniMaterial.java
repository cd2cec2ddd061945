package io.jtls.internal.engine;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * What SNI takes from the context it picked (Node's {@code UseSNIContext} and
 * {@code SetCACerts}): every certificate with its key and chain, the trust store that verifies
 * client certificates, and the client CA names sent in a CertificateRequest.
 *
 * <p>All pointers are borrowed from the context's {@code SSL_CTX}: valid while a reference on
 * the context is held, and only read (the {@code SSL_use_*}/{@code SSL_set1_*} calls that copy
 * them take references of their own).
 *
 * @param identities one per certificate type the context has (RSA, ECDSA, ...), in OpenSSL's slot order
 * @param certStore  the {@code X509_STORE*} of the context (never NULL)
 * @param clientCaList the {@code STACK_OF(X509_NAME)*} of client CA names, or NULL
 */
public record SniMaterial(List<Identity> identities, MemorySegment certStore, MemorySegment clientCaList) {
    public SniMaterial {
        identities = List.copyOf(identities);
    }

    /**
     * One certificate slot: {@code X509*}, {@code EVP_PKEY*}, and the {@code STACK_OF(X509)*}
     * chain (NULL when none).
     */
    public record Identity(MemorySegment certificate, MemorySegment privateKey, MemorySegment chain) {}
}
