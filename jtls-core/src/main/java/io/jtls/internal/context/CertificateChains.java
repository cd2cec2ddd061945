package io.jtls.internal.context;

import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.internal.openssl.SslCtxCalls;
import io.jtls.internal.openssl.Types;
import java.lang.foreign.MemorySegment;

/**
 * Builds each certificate's chain once, when the context is built, instead of on every
 * handshake. Node leaves OpenSSL's automatic chain building on: a certificate given without
 * its intermediates gets a chain built from the trust store each time it is sent, a chain
 * verification per full handshake. {@code SSL_CTX_build_cert_chain} builds the same chain
 * from the same store once (errors ignored, as the automatic building ignores them: a chain
 * that cannot be completed is sent as far as it goes), and {@code SSL_MODE_NO_AUTO_CHAIN}
 * then stops the per-handshake work. If any chain cannot be built at all, automatic building
 * stays on for the context: what peers receive never changes.
 */
final class CertificateChains {
    private CertificateChains() {}

    /** Builds the missing chains of every certificate slot of {@code ctx} (still being built). */
    static void prebuild(MemorySegment ctx) {
        if (Types.isNull(SslCtxCalls.SSL_CTX_get0_certificate(ctx))) {
            return; // no certificate: nothing is ever chained
        }
        boolean[] allBuilt = {true};
        try {
            ContextCertificates.forEachSlot(ctx, (certificate, chain) -> {
                if (!Types.isNull(chain)) {
                    return; // the application gave the chain (cert with intermediates, pfx): sent as given
                }
                ErrorQueue.clear();
                if (SslCtxCalls.SSL_CTX_build_cert_chain(ctx, SslCtxCalls.SSL_BUILD_CHAIN_FLAG_IGNORE_ERROR
                        | SslCtxCalls.SSL_BUILD_CHAIN_FLAG_CLEAR_ERROR) != 1) {
                    allBuilt[0] = false;
                }
            });
        } finally {
            ErrorQueue.clear();
        }
        if (allBuilt[0]) {
            SslCtxCalls.SSL_CTX_set_mode(ctx, SslCtxCalls.SSL_MODE_NO_AUTO_CHAIN);
        }
    }
}
