package io.jtls.internal.x509;

import io.jtls.internal.openssl.ErrCalls;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.Types;
import io.jtls.internal.openssl.X509FieldCalls;
import io.jtls.x509.Certificate;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The detailed peer certificate of {@code tlsSocket.getPeerCertificate(true)}: each
 * certificate linked to its issuer's object through {@code issuerCertificate}, built as Node's
 * {@code GetPeerCert} (src/crypto/crypto_common.cc) does:
 * <ol>
 *   <li>from the peer's certificate, repeatedly take the first certificate the peer sent that
 *       issued the current one ({@code X509_check_issued}), removing it from the candidates
 *       ({@code AddIssuerChainToObject});</li>
 *   <li>then, while the current certificate is not self-issued, ask the trust store for its
 *       issuer, stopping when the store has none or hands back the same certificate
 *       ({@code GetLastIssuedCert});</li>
 *   <li>a last certificate that is self-issued links to itself
 *       ({@link Certificate#issuerCertificate()} returns it).</li>
 * </ol>
 */
public final class CertificateChain {
    private CertificateChain() {}

    /**
     * The peer's certificate object with its issuer chain.
     *
     * @param peer       the peer's certificate (borrowed)
     * @param sentChain  the other certificates the peer sent, in order (borrowed): on a
     *                   client, {@code SSL_get_peer_cert_chain} without its first element (the
     *                   peer's own certificate); on a server, {@code SSL_get_peer_cert_chain}
     *                   as is. An entry that is the very {@code peer} pointer is skipped.
     * @param trustStore issuers the peer did not send; {@link IssuerLookup#NONE} for none
     */
    public static Certificate detailed(MemorySegment peer, List<MemorySegment> sentChain, IssuerLookup trustStore) {
        if (Types.isNull(peer)) {
            throw new NullPointerException("NULL peer X509");
        }
        List<MemorySegment> path = new ArrayList<>();
        List<NativeHandle> fromStore = new ArrayList<>();
        ErrCalls.ERR_set_mark();
        try {
            path.add(peer);
            MemorySegment current = peer;

            List<MemorySegment> candidates = new ArrayList<>(sentChain.size());
            for (MemorySegment c : sentChain) {
                if (!Types.isNull(c) && c.address() != peer.address()) {
                    candidates.add(c);
                }
            }
            boolean found = true;
            while (found) {
                found = false;
                for (int i = 0; i < candidates.size(); i++) {
                    if (issued(candidates.get(i), current)) {
                        current = candidates.remove(i);
                        path.add(current);
                        found = true;
                        break;
                    }
                }
            }

            while (!issued(current, current)) {
                NativeHandle ca = trustStore.findIssuer(current);
                if (ca == null) {
                    break;
                }
                fromStore.add(ca);
                path.add(ca.get());
                // A self-signed certificate without keyCertSign is not "self-issued", and the
                // store may hand it back for itself: stop instead of looping.
                if (ca.get().address() == current.address()) {
                    break;
                }
                current = ca.get();
            }
            boolean rootLinksToItself = issued(current, current);

            Certificate issuer = null;
            for (int i = path.size() - 1; i >= 0; i--) {
                Certificate.Builder b = CertificateReader.fields(path.get(i));
                if (i == path.size() - 1) {
                    if (rootLinksToItself) {
                        b.issuedBySelf();
                    }
                } else {
                    b.issuerCertificate(issuer);
                }
                issuer = b.build();
            }
            return issuer;
        } finally {
            ErrCalls.ERR_pop_to_mark();
            fromStore.forEach(NativeHandle::close);
        }
    }

    private static boolean issued(MemorySegment issuer, MemorySegment subject) {
        return X509FieldCalls.X509_check_issued(issuer, subject) == X509FieldCalls.X509_V_OK;
    }
}
