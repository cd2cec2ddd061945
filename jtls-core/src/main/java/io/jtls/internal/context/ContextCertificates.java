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
        MemorySegment current = SslCtxCalls.SSL_CTX_get0_certificate(ctx);
        List<SniMaterial.Identity> identities = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment chainOut = arena.allocate(ValueLayout.ADDRESS);
            // SSL_CERT_SET_FIRST/NEXT visit the slots that have both a certificate and a key.
            for (long more = SslCtxCalls.SSL_CTX_set_current_cert(ctx, SslCtxCalls.SSL_CERT_SET_FIRST); more == 1;
                 more = SslCtxCalls.SSL_CTX_set_current_cert(ctx, SslCtxCalls.SSL_CERT_SET_NEXT)) {
                chainOut.set(ValueLayout.ADDRESS, 0, MemorySegment.NULL);
                SslCtxCalls.SSL_CTX_get0_chain_certs(ctx, chainOut);
                identities.add(new SniMaterial.Identity(SslCtxCalls.SSL_CTX_get0_certificate(ctx),
                        SslCtxCalls.SSL_CTX_get0_privatekey(ctx), chainOut.get(ValueLayout.ADDRESS, 0)));
            }
        }
        if (!Types.isNull(current)) {
            SslCtxCalls.SSL_CTX_select_current_cert(ctx, current);
        }
        return new SniMaterial(identities, SslCtxCalls.SSL_CTX_get_cert_store(ctx),
                SslCtxCalls.SSL_CTX_get_client_CA_list(ctx));
    }
}
