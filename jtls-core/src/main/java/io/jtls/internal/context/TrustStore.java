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
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A context's trust store ({@code X509_STORE}): the CA certificates and CRLs that verify peers.
 *
 * <p>Like Node's {@code root_cert_store}, a context without {@code ca} shares one process-wide
 * store of the default roots (each context holds a reference). Node's roots are its bundled
 * copy of Mozilla's list; jtls's are the system's bundle, OpenSSL's default certificate file
 * ({@code $SSL_CERT_FILE}, else {@code X509_get_default_cert_file()}, on Debian
 * {@code /usr/lib/ssl/cert.pem} = {@code /etc/ssl/certs/ca-certificates.crt}), which on Linux
 * distributions is usually the same Mozilla list. Like Node, the roots are parsed once and held
 * in memory: a store that looks certificates up in the hashed directory instead would read the
 * disk on every handshake that builds a chain. Only when there is no bundle file does the store
 * fall back to OpenSSL's default paths ({@code X509_STORE_set_default_paths}). The shared store
 * and the parsed roots live as long as the process, so they are not {@link NativeHandle}s and
 * do not count in {@link NativeKind#liveTotal()}.
 *
 * <p>Adding to the store of a context that shares the roots (a CRL, or the CA certificates of
 * a PFX, when no {@code ca} was given) first gives that context a store of its own with the
 * default roots, as Node's {@code NewRootCertStore} does, so other contexts are unaffected.
 */
final class TrustStore {
    private TrustStore() {}

    /** {@code # define PEM_R_NO_START_LINE 108} */
    static final int PEM_R_NO_START_LINE = 108;

    private static volatile MemorySegment rootStore;

    /** The shared store of default roots, made once. */
    static MemorySegment rootStore() {
        MemorySegment store = rootStore;
        if (store == null) {
            synchronized (TrustStore.class) {
                store = rootStore;
                if (store == null) {
                    store = newRootStore();
                    rootStore = store;
                }
            }
        }
        return store;
    }

    /** A new store holding the default roots; the caller owns the reference. */
    private static MemorySegment newRootStore() {
        ErrorQueue.clear();
        MemorySegment store = X509StoreCalls.X509_STORE_new();
        if (Types.isNull(store)) {
            throw ErrorQueue.exception("X509_STORE_new", "ERR_OSSL_MALLOC_FAILURE");
        }
        List<MemorySegment> roots = RootCertificates.ROOTS;
        if (roots == null) {
            // No bundle file: OpenSSL's default paths (missing ones leave the store empty).
            X509StoreCalls.X509_STORE_set_default_paths(store);
        } else {
            for (MemorySegment root : roots) {
                X509StoreCalls.X509_STORE_add_cert(store, root); // up-refs the shared certificate
            }
        }
        ErrorQueue.clear();
        return store;
    }

    /** The system's root certificates, parsed once (Node's {@code root_certs_vector}). */
    private static final class RootCertificates {
        /** Process-lifetime X509s; null when there is no bundle file to read. */
        static final List<MemorySegment> ROOTS = load();

        private static List<MemorySegment> load() {
            String env = Types.cString(X509StoreCalls.X509_get_default_cert_file_env());
            String file = env == null ? null : System.getenv(env);
            if (file == null || file.isEmpty()) {
                file = Types.cString(X509StoreCalls.X509_get_default_cert_file());
            }
            byte[] pem;
            try {
                pem = Files.readAllBytes(Path.of(file));
            } catch (IOException | RuntimeException e) {
                return null;
            }
            List<MemorySegment> roots = new ArrayList<>();
            try (NativeHandle bio = Bios.of(pem)) {
                while (true) {
                    ErrorQueue.clear();
                    MemorySegment x509 = PemCalls.PEM_read_bio_X509_AUX(bio.get(), MemorySegment.NULL,
                            PemPasswords.CALLBACK, MemorySegment.NULL);
                    if (Types.isNull(x509)) {
                        break;
                    }
                    roots.add(x509); // kept for the life of the process
                }
            } finally {
                ErrorQueue.clear();
            }
            return List.copyOf(roots);
        }
    }

    /** Node's {@code addRootCerts}: the context shares the default roots. */
    static void useRootStore(MemorySegment ctx) {
        MemorySegment root = rootStore();
        X509StoreCalls.X509_STORE_up_ref(root);
        SslCtxCalls.SSL_CTX_set_cert_store(ctx, root); // takes the reference we just added
    }

    /** True when the context uses the shared default roots. */
    static boolean sharesRootStore(MemorySegment ctx) {
        MemorySegment root = rootStore;
        return root != null && SslCtxCalls.SSL_CTX_get_cert_store(ctx).address() == root.address();
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
     */
    static void addCaCertificates(MemorySegment ctx, byte[] pem) {
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
                }
            }
        } finally {
            ErrorQueue.clear();
        }
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
}
