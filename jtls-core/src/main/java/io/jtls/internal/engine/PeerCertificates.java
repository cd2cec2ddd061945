package io.jtls.internal.engine;

import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.SslCalls;
import io.jtls.internal.openssl.SslCtxCalls;
import io.jtls.internal.openssl.StackCalls;
import io.jtls.internal.openssl.Types;
import io.jtls.internal.openssl.X509Calls;
import io.jtls.internal.openssl.X509StoreCalls;
import io.jtls.internal.x509.CertificateChain;
import io.jtls.internal.x509.CertificateReader;
import io.jtls.internal.x509.IssuerLookup;
import io.jtls.x509.Certificate;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The certificates of a connection as Node's {@code getCertificate()} and
 * {@code getPeerCertificate([detailed])} return them ({@code GetCert}, {@code GetPeerCert} in
 * {@code src/crypto/crypto_common.cc}). Everything is copied into {@link Certificate} values
 * while the {@code SSL} is live; no native pointer escapes.
 */
final class PeerCertificates {
    private PeerCertificates() {}

    /** Node's {@code getCertificate()}: this side's certificate, or null when it has none. */
    static Certificate local(MemorySegment ssl) {
        MemorySegment x509 = SslCalls.SSL_get_certificate(ssl); // borrowed
        return Types.isNull(x509) ? null : CertificateReader.read(x509);
    }

    /**
     * Node's {@code getPeerCertificate(detailed)}: null when the peer sent none (Node: an
     * empty object). OpenSSL's quirk, as Node notes it: on a client
     * {@code SSL_get_peer_cert_chain} starts with the peer's certificate, on a server it does
     * not. The detailed form links issuers first from what the peer sent, then from the trust
     * store of the connection's current context.
     */
    static Certificate peer(MemorySegment ssl, boolean server, boolean detailed) {
        MemorySegment chain = SslCalls.SSL_get_peer_cert_chain(ssl); // borrowed
        int sent = Types.isNull(chain) ? 0 : StackCalls.sk_num(chain);
        MemorySegment peer = server ? SslCalls.SSL_get0_peer_certificate(ssl)
                : sent > 0 ? StackCalls.sk_value(chain, 0) : MemorySegment.NULL;
        if (Types.isNull(peer)) {
            return null;
        }
        if (!detailed) {
            return CertificateReader.read(peer);
        }
        List<MemorySegment> others = new ArrayList<>(sent);
        for (int i = server ? 0 : 1; i < sent; i++) {
            others.add(StackCalls.sk_value(chain, i));
        }
        return CertificateChain.detailed(peer, others, trustStoreOf(SslCalls.SSL_get_SSL_CTX(ssl)));
    }

    /** Node's {@code SSL_CTX_get_issuer}: an issuer from the context's trust store, up-ref'd, or null. */
    private static IssuerLookup trustStoreOf(MemorySegment sslCtx) {
        return x509 -> {
            MemorySegment storeCtx = X509StoreCalls.X509_STORE_CTX_new();
            if (Types.isNull(storeCtx)) {
                ErrorQueue.clear();
                return null;
            }
            try (NativeHandle owned = NativeHandle.scoped(NativeKind.X509_STORE_CTX, storeCtx);
                 Arena arena = Arena.ofConfined()) {
                if (X509StoreCalls.X509_STORE_CTX_init(owned.get(), SslCtxCalls.SSL_CTX_get_cert_store(sslCtx),
                        MemorySegment.NULL, MemorySegment.NULL) != 1) {
                    return null;
                }
                MemorySegment out = arena.allocateFrom(ValueLayout.ADDRESS, MemorySegment.NULL);
                if (X509StoreCalls.X509_STORE_CTX_get1_issuer(out, owned.get(), x509) != 1) {
                    return null;
                }
                return NativeHandle.scoped(NativeKind.X509, out.get(ValueLayout.ADDRESS, 0)); // get1: ours to free (CertificateChain's finally)
            } finally {
                ErrorQueue.clear();
            }
        };
    }

    /**
     * The issuer names the peer listed ({@code SSL_get0_peer_CA_list}): a server's
     * CertificateRequest names (TLS 1.2) or its certificate_authorities extension (TLS 1.3), as
     * DER-encoded X.509 names; empty when it listed none.
     */
    static List<byte[]> caNames(MemorySegment ssl) {
        MemorySegment names = SslCalls.SSL_get0_peer_CA_list(ssl); // borrowed
        int count = Types.isNull(names) ? 0 : StackCalls.sk_num(names);
        if (count <= 0) {
            return List.of();
        }
        List<byte[]> result = new ArrayList<>(count);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment der = arena.allocate(ValueLayout.ADDRESS);
            MemorySegment length = arena.allocate(ValueLayout.JAVA_LONG);
            for (int i = 0; i < count; i++) {
                if (X509Calls.X509_NAME_get0_der(StackCalls.sk_value(names, i), der, length) == 1) {
                    long n = length.get(ValueLayout.JAVA_LONG, 0);
                    result.add(der.get(ValueLayout.ADDRESS, 0).reinterpret(n).toArray(ValueLayout.JAVA_BYTE));
                }
            }
        } finally {
            ErrorQueue.clear(); // a name that could not be encoded is skipped, its error not left behind
        }
        return List.copyOf(result);
    }
}
