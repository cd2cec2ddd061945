package io.jtls.internal.context;

import io.jtls.error.TlsException;
import io.jtls.internal.openssl.Bios;
import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.PemCalls;
import io.jtls.internal.openssl.SslCtxCalls;
import io.jtls.internal.openssl.Types;
import io.jtls.internal.openssl.X509StoreCalls;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A context's trust store ({@code X509_STORE}): the CA certificates and CRLs that verify peers.
 *
 * <p>Like Node's {@code root_cert_store}, a context without {@code ca} shares one process-wide
 * store of the default CA list (each context holds a reference). That list is, as in Node,
 * the bundled roots plus the extra ones ({@code NODE_EXTRA_CA_CERTS}'s equivalent), until
 * {@code setDefaultCACertificates} replaces it; see {@link CaCertificates} for what "bundled"
 * means in jtls (the distribution's bundle file; with no such file, OpenSSL's default paths).
 * Like Node, the roots are parsed once and held in memory: a store that looks certificates up
 * in the hashed directory instead would read the disk on every handshake that builds a chain.
 * The shared stores and the parsed certificates live as long as the process, so they are not
 * {@link NativeHandle}s and do not count in {@link NativeKind#liveTotal()}.
 *
 * <p>Adding to the store of a context that shares the roots (a CRL, or the CA certificates of
 * a PFX, when no {@code ca} was given) first gives that context a store of its own with the
 * default roots, as Node's {@code NewRootCertStore} does, so other contexts are unaffected.
 * (jtls's copy includes the extra certificates; Node v20's omits them.)
 */
final class TrustStore {
    private TrustStore() {}

    /** {@code # define PEM_R_NO_START_LINE 108} */
    static final int PEM_R_NO_START_LINE = 108;

    /** The store new contexts share; replaced by {@link #replaceDefaults}. Guarded by the class lock. */
    private static volatile MemorySegment rootStore;
    /**
     * Every store ever shared, by address. A replaced store stays alive (contexts built from it
     * keep using it, and its address is never reused), so a context holding it still counts as
     * sharing, and {@link #ownStore} copies before adding to it.
     */
    private static final java.util.Set<Long> SHARED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The default CA list; null until first used (then bundled + extra), or as set. */
    private static CaCertificates.CaList defaults;
    /** True when the defaults are the bundled list (with no bundle file: OpenSSL's default paths). */
    private static boolean defaultsAreBundled = true;

    /** The shared store of default roots, made once per default list. */
    static MemorySegment rootStore() {
        MemorySegment store = rootStore;
        if (store == null) {
            synchronized (TrustStore.class) {
                store = rootStore;
                if (store == null) {
                    store = newRootStore();
                    SHARED.add(store.address());
                    rootStore = store;
                }
            }
        }
        return store;
    }

    /** Node's default list: bundled plus extra, until replaced. */
    static synchronized CaCertificates.CaList defaults() {
        if (defaults == null) {
            CaCertificates.CaList bundled = CaCertificates.bundled();
            List<CaCertificates.Ca> all = new ArrayList<>(bundled == null ? List.of() : bundled.certificates());
            all.addAll(CaCertificates.extra().certificates());
            defaults = new CaCertificates.CaList(List.copyOf(all));
        }
        return defaults;
    }

    /** The default list as PEM text: the bundled entries as Node prints its roots, the rest with a final newline. */
    static synchronized List<String> defaultPems() {
        CaCertificates.CaList list = defaults();
        if (!defaultsAreBundled) {
            return list.pems(true);
        }
        List<String> out = new ArrayList<>(CaCertificates.bundledPems());
        out.addAll(CaCertificates.extraPems());
        return List.copyOf(out);
    }

    /**
     * Node's {@code setDefaultCACertificates}: contexts made from now on without {@code ca}
     * share a store of exactly these certificates; contexts already made keep theirs.
     */
    static synchronized void replaceDefaults(CaCertificates.CaList list) {
        defaults();
        defaults = list;
        defaultsAreBundled = false;
        rootStore = null; // the old one stays alive, see SHARED
    }

    /** A new store holding the default roots; the caller owns the reference. */
    private static synchronized MemorySegment newRootStore() {
        ErrorQueue.clear();
        MemorySegment store = X509StoreCalls.X509_STORE_new();
        if (Types.isNull(store)) {
            throw ErrorQueue.exception("X509_STORE_new", "ERR_OSSL_MALLOC_FAILURE");
        }
        if (defaultsAreBundled && CaCertificates.bundled() == null) {
            // No bundle file: OpenSSL's default paths (missing ones leave the store empty).
            X509StoreCalls.X509_STORE_set_default_paths(store);
        }
        for (MemorySegment root : defaults().x509s()) {
            X509StoreCalls.X509_STORE_add_cert(store, root); // up-refs the shared certificate
        }
        ErrorQueue.clear();
        return store;
    }

    /** Node's {@code addRootCerts}: the context shares the default roots. */
    static void useRootStore(MemorySegment ctx) {
        MemorySegment root = rootStore();
        X509StoreCalls.X509_STORE_up_ref(root);
        SslCtxCalls.SSL_CTX_set_cert_store(ctx, root); // takes the reference we just added
    }

    /** True when the context uses the shared default roots. */
    static boolean sharesRootStore(MemorySegment ctx) {
        return SHARED.contains(SslCtxCalls.SSL_CTX_get_cert_store(ctx).address());
    }

    /** The context's store, first made its own if it shared the default roots. */
    static MemorySegment ownStore(MemorySegment ctx) {
        if (sharesRootStore(ctx)) {
            SslCtxCalls.SSL_CTX_set_cert_store(ctx, newRootStore()); // the context takes it and drops its root reference
        }
        return SslCtxCalls.SSL_CTX_get_cert_store(ctx);
    }

    /**
     * Node's {@code AddCACert}: every certificate in the PEM ({@code CERTIFICATE},
     * {@code X509 CERTIFICATE} and {@code TRUSTED CERTIFICATE} blocks) is trusted and its
     * subject is added to the CA names a server sends with a certificate request. Reading stops
     * at the first block that is not a certificate, silently, as in Node.
     *
     * @return how many certificates were added (0: the entry held none)
     */
    static int addCaCertificates(MemorySegment ctx, byte[] pem) {
        int added = 0;
        try (NativeHandle bio = Bios.of(pem)) {
            while (true) {
                ErrorQueue.clear();
                MemorySegment x509 = PemCalls.PEM_read_bio_X509_AUX(bio.get(), MemorySegment.NULL,
                        PemPasswords.CALLBACK, MemorySegment.NULL);
                if (Types.isNull(x509)) {
                    break;
                }
                try (NativeHandle cert = NativeHandle.own(NativeKind.X509, x509)) {
                    addCaCertificate(ctx, cert.get());
                    added++;
                }
            }
        } finally {
            ErrorQueue.clear();
        }
        return added;
    }

    /** Trusts one certificate and names it as an acceptable client CA (both calls copy or up-ref). */
    static void addCaCertificate(MemorySegment ctx, MemorySegment x509) {
        MemorySegment store = ownStore(ctx);
        X509StoreCalls.X509_STORE_add_cert(store, x509); // a duplicate is not an error
        SslCtxCalls.SSL_CTX_add_client_CA(ctx, x509);
        ErrorQueue.clear();
    }

    /**
     * Node's {@code AddCRL}: one PEM CRL into the store, and revocation checking for the leaf
     * and the whole chain. A CRL that does not parse is {@code ERR_CRYPTO_OPERATION_FAILED}
     * "Failed to parse CRL".
     */
    static void addCrl(MemorySegment ctx, byte[] pem) {
        try (NativeHandle bio = Bios.of(pem)) {
            ErrorQueue.clear();
            MemorySegment raw = PemCalls.PEM_read_bio_X509_CRL(bio.get(), MemorySegment.NULL,
                    PemPasswords.CALLBACK, MemorySegment.NULL);
            if (Types.isNull(raw)) {
                ErrorQueue.clear();
                throw new TlsException("ERR_CRYPTO_OPERATION_FAILED", "Failed to parse CRL");
            }
            try (NativeHandle crl = NativeHandle.own(NativeKind.X509_CRL, raw)) {
                MemorySegment store = ownStore(ctx);
                X509StoreCalls.X509_STORE_add_crl(store, crl.get()); // up-refs the CRL
                X509StoreCalls.X509_STORE_set_flags(store,
                        X509StoreCalls.X509_V_FLAG_CRL_CHECK | X509StoreCalls.X509_V_FLAG_CRL_CHECK_ALL);
            }
        } finally {
            ErrorQueue.clear();
        }
    }

    /**
     * Node's {@code setAllowPartialTrustChain}: a trusted certificate that is not self-signed
     * ends a chain too ({@code X509_V_FLAG_PARTIAL_CHAIN}), on this context's own store.
     */
    static void allowPartialTrustChain(MemorySegment ctx) {
        X509StoreCalls.X509_STORE_set_flags(ownStore(ctx), X509StoreCalls.X509_V_FLAG_PARTIAL_CHAIN);
    }
}
