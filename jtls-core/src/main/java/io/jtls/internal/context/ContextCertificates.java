package io.jtls.internal.context;

import io.jtls.internal.engine.SniMaterial;
import io.jtls.internal.openssl.SslCtxCalls;
import io.jtls.internal.openssl.Types;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads back, at the end of a context's build, the certificate slots OpenSSL filled (one per
 * key type: RSA, RSA-PSS, ECDSA, Ed25519, ...) with their keys and chains, for Node's
 * {@code UseSNIContext}: SNI copies them into a connection of another context. Node copies only
 * the last certificate set; copying every slot lets a server name with both an RSA and an ECDSA
 * certificate offer both, as its own context does.
 */
final class ContextCertificates {
    private ContextCertificates() {}

    /** The SNI material of {@code ctx}, which is still being built (walking the slots moves its current one). */
    static SniMaterial capture(MemorySegment ctx) {
        List<SniMaterial.Identity> identities = new ArrayList<>();
        forEachSlot(ctx, (certificate, chain) -> identities.add(new SniMaterial.Identity(certificate,
                SslCtxCalls.SSL_CTX_get0_privatekey(ctx), chain)));
        return new SniMaterial(identities, SslCtxCalls.SSL_CTX_get_cert_store(ctx),
                SslCtxCalls.SSL_CTX_get_client_CA_list(ctx));
    }

    /** Visits a certificate slot while it is the context's current one. */
    interface SlotVisitor {
        /** {@code chain}: the slot's {@code STACK_OF(X509)*}, NULL when it has none. */
        void visit(MemorySegment certificate, MemorySegment chain);
    }

    /**
     * Makes each slot that has a certificate and a key current in turn ({@code SSL_CERT_SET_FIRST},
     * {@code SSL_CERT_SET_NEXT}), then the one that was current before: only while building.
     */
    static void forEachSlot(MemorySegment ctx, SlotVisitor visitor) {
        MemorySegment current = SslCtxCalls.SSL_CTX_get0_certificate(ctx);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment chainOut = arena.allocate(ValueLayout.ADDRESS);
            for (long more = SslCtxCalls.SSL_CTX_set_current_cert(ctx, SslCtxCalls.SSL_CERT_SET_FIRST); more == 1;
                 more = SslCtxCalls.SSL_CTX_set_current_cert(ctx, SslCtxCalls.SSL_CERT_SET_NEXT)) {
                chainOut.set(ValueLayout.ADDRESS, 0, MemorySegment.NULL);
                SslCtxCalls.SSL_CTX_get0_chain_certs(ctx, chainOut);
                visitor.visit(SslCtxCalls.SSL_CTX_get0_certificate(ctx), chainOut.get(ValueLayout.ADDRESS, 0));
            }
        } finally {
            if (!Types.isNull(current)) {
                SslCtxCalls.SSL_CTX_select_current_cert(ctx, current);
            }
        }
    }
}
