package io.jtls.internal.context;

import io.jtls.error.OpenSslError;
import io.jtls.error.OpenSslException;
import io.jtls.internal.openssl.Bios;
import io.jtls.internal.openssl.ErrCalls;
import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.PemCalls;
import io.jtls.internal.openssl.Pkcs12Calls;
import io.jtls.internal.openssl.SslCtxCalls;
import io.jtls.internal.openssl.StackCalls;
import io.jtls.internal.openssl.Types;
import io.jtls.internal.openssl.X509Calls;
import io.jtls.internal.openssl.X509FieldCalls;
import io.jtls.internal.openssl.X509StoreCalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Certificates and private keys into a context, as Node's {@code SetCert}, {@code SetKey} and
 * {@code LoadPKCS12} do ({@code src/crypto/crypto_context.cc}).
 *
 * <p>Each certificate chain goes into the certificate slot of its key type (RSA, EC, Ed25519,
 * ...), so one context can hold an RSA and an EC identity; a key goes into the slot of its type
 * too, and OpenSSL checks it against the certificate already there ({@code key values
 * mismatch}). That is why Node sets keys after certificates.
 */
final class KeyMaterial {
    private KeyMaterial() {}

    /**
     * The identity last set, as Node keeps it for {@code getCertificate()}/{@code getIssuer()}
     * (the OCSP request event hands both to the user): DER bytes, the issuer null when neither
     * the chain nor the trust store has it.
     */
    record Identity(byte[] certificate, byte[] issuer) {}

    /**
     * Node's {@code SetCert}: the first PEM certificate is the leaf, the rest its chain. Text
     * after the last certificate is ignored; a damaged block fails with OpenSSL's error
     * ({@code ERR_OSSL_PEM_NO_START_LINE} when there is no certificate at all,
     * {@code ERR_OSSL_PEM_BAD_BASE64_DECODE}, ...).
     */
    static Identity useCertificateChain(MemorySegment ctx, byte[] pem) {
        List<NativeHandle> extras = new ArrayList<>();
        try (NativeHandle bio = Bios.of(pem)) {
            ErrorQueue.clear();
            MemorySegment leafRaw = PemCalls.PEM_read_bio_X509_AUX(bio.get(), MemorySegment.NULL,
                    PemPasswords.CALLBACK, MemorySegment.NULL);
            if (Types.isNull(leafRaw)) {
                throw ErrorQueue.exception("PEM_read_bio_X509_AUX", "ERR_OSSL_PEM_NO_START_LINE");
            }
            try (NativeHandle leaf = NativeHandle.own(NativeKind.X509, leafRaw)) {
                while (true) {
                    MemorySegment extra = PemCalls.PEM_read_bio_X509(bio.get(), MemorySegment.NULL,
                            PemPasswords.CALLBACK, MemorySegment.NULL);
                    if (Types.isNull(extra)) {
                        break;
                    }
                    extras.add(NativeHandle.own(NativeKind.X509, extra));
                }
                // The loop ends at the end of the input ("no start line"), or at a damaged block.
                long last = ErrCalls.ERR_peek_last_error();
                if (ErrCalls.ERR_GET_LIB(last) == 9 /* ERR_LIB_PEM */
                        && ErrCalls.ERR_GET_REASON(last) == TrustStore.PEM_R_NO_START_LINE) {
                    ErrorQueue.clear();
                } else {
                    throw ErrorQueue.exception("PEM_read_bio_X509", "ERR_OSSL_PEM_BAD_END_LINE");
                }
                return useCertificateChain(ctx, leaf.get(), extras.stream().map(NativeHandle::get).toList());
            }
        } finally {
            extras.forEach(NativeHandle::close);
        }
    }

    /**
     * Node's {@code SSL_CTX_use_certificate_chain}: the leaf into its slot, the chain after it
     * (each {@code SSL_CTX_add1_chain_cert} up-refs, so the caller keeps its references), and
     * the leaf's issuer found in the chain or else in the trust store.
     */
    static Identity useCertificateChain(MemorySegment ctx, MemorySegment leaf, List<MemorySegment> chain) {
        ErrorQueue.clear();
        if (SslCtxCalls.SSL_CTX_use_certificate(ctx, leaf) != 1) {
            throw ErrorQueue.exception("SSL_CTX_use_certificate", "ERR_SSL_PASSED_INVALID_ARGUMENT");
        }
        SslCtxCalls.SSL_CTX_clear_extra_chain_certs(ctx);
        MemorySegment issuer = null;
        for (MemorySegment ca : chain) {
            if (SslCtxCalls.SSL_CTX_add1_chain_cert(ctx, ca) != 1) {
                throw ErrorQueue.exception("SSL_CTX_add1_chain_cert", "ERR_SSL_PASSED_INVALID_ARGUMENT");
            }
            if (issuer == null && X509FieldCalls.X509_check_issued(ca, leaf) == X509StoreCalls.X509_V_OK) {
                issuer = ca;
            }
        }
        byte[] issuerDer = issuer != null ? der(issuer) : issuerFromStore(ctx, leaf);
        ErrorQueue.clear();
        return new Identity(der(leaf), issuerDer);
    }

    /** Node's {@code SSL_CTX_get_issuer}: the leaf's issuer among the trusted certificates, or null. */
    private static byte[] issuerFromStore(MemorySegment ctx, MemorySegment leaf) {
        MemorySegment storeCtx = X509StoreCalls.X509_STORE_CTX_new();
        if (Types.isNull(storeCtx)) {
            return null;
        }
        try (NativeHandle sctx = NativeHandle.own(NativeKind.X509_STORE_CTX, storeCtx);
             Arena arena = Arena.ofConfined()) {
            if (X509StoreCalls.X509_STORE_CTX_init(sctx.get(), SslCtxCalls.SSL_CTX_get_cert_store(ctx),
                    MemorySegment.NULL, MemorySegment.NULL) != 1) {
                return null;
            }
            MemorySegment out = arena.allocateFrom(ValueLayout.ADDRESS, MemorySegment.NULL);
            if (X509StoreCalls.X509_STORE_CTX_get1_issuer(out, sctx.get(), leaf) != 1) {
                return null;
            }
            try (NativeHandle found = NativeHandle.own(NativeKind.X509, out.get(ValueLayout.ADDRESS, 0))) {
                return der(found.get());
            }
        } finally {
            ErrorQueue.clear();
        }
    }

    /**
     * Node's {@code SetKey}: one PEM private key (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1,
     * traditional encrypted), decrypted with {@code passphrase} (null: none, and an encrypted
     * key fails with {@code ERR_OSSL_BAD_DECRYPT}), into the slot of its type.
     */
    static void usePrivateKey(MemorySegment ctx, byte[] pem, String passphrase) {
        try (NativeHandle bio = Bios.of(pem); Arena arena = Arena.ofConfined()) {
            // Node always passes its passphrase holder, empty when there is none: 0 bytes, never a prompt.
            MemorySegment u = PemPasswords.passphrase(arena, passphrase == null ? "" : passphrase);
            ErrorQueue.clear();
            MemorySegment raw = PemCalls.PEM_read_bio_PrivateKey(bio.get(), MemorySegment.NULL,
                    PemPasswords.CALLBACK, u);
            if (Types.isNull(raw)) {
                throw ErrorQueue.exception("PEM_read_bio_PrivateKey", "ERR_OSSL_PEM_NO_START_LINE");
            }
            try (NativeHandle key = NativeHandle.own(NativeKind.EVP_PKEY, raw)) {
                usePrivateKey(ctx, key.get());
            }
        }
    }

    /** {@code SSL_CTX_use_PrivateKey} (up-refs the key): fails when it does not match the certificate of its type. */
    static void usePrivateKey(MemorySegment ctx, MemorySegment pkey) {
        ErrorQueue.clear();
        if (SslCtxCalls.SSL_CTX_use_PrivateKey(ctx, pkey) != 1) {
            throw ErrorQueue.exception("SSL_CTX_use_PrivateKey", "ERR_OSSL_X509_KEY_VALUES_MISMATCH");
        }
    }

    /**
     * Node's {@code LoadPKCS12}: key, certificate and chain from a PFX; the chain's certificates
     * are also trusted and named as client CAs. Errors carry the bare reason text as their
     * message ({@code mac verify failure}, {@code not enough data}), as Node's do.
     */
    static Identity loadPkcs12(MemorySegment ctx, byte[] der, String passphrase) {
        List<NativeHandle> owned = new ArrayList<>();
        try (NativeHandle bio = Bios.of(der); Arena arena = Arena.ofConfined()) {
            ErrorQueue.clear();
            MemorySegment p12Raw = Pkcs12Calls.d2i_PKCS12_bio(bio.get(), MemorySegment.NULL);
            if (Types.isNull(p12Raw)) {
                throw pkcs12Error();
            }
            owned.add(NativeHandle.own(NativeKind.PKCS12, p12Raw));
            MemorySegment pkeyOut = arena.allocateFrom(ValueLayout.ADDRESS, MemorySegment.NULL);
            MemorySegment certOut = arena.allocateFrom(ValueLayout.ADDRESS, MemorySegment.NULL);
            MemorySegment caOut = arena.allocateFrom(ValueLayout.ADDRESS, MemorySegment.NULL);
            MemorySegment pass = passphrase == null ? MemorySegment.NULL
                    : arena.allocateFrom(ValueLayout.JAVA_BYTE, nulTerminated(passphrase));
            int ok = Pkcs12Calls.PKCS12_parse(p12Raw, pass, pkeyOut, certOut, caOut);
            // Take ownership of whatever PKCS12_parse handed out, success or not.
            NativeHandle pkey = ownIfSet(NativeKind.EVP_PKEY, pkeyOut, owned);
            NativeHandle cert = ownIfSet(NativeKind.X509, certOut, owned);
            List<MemorySegment> chain = new ArrayList<>();
            MemorySegment stack = caOut.get(ValueLayout.ADDRESS, 0);
            if (!Types.isNull(stack)) {
                try (NativeHandle sk = NativeHandle.own(NativeKind.OPENSSL_STACK, stack)) {
                    MemorySegment x;
                    while (!Types.isNull(x = StackCalls.sk_X509_shift(sk.get()))) {
                        NativeHandle h = NativeHandle.own(NativeKind.X509, x);
                        owned.add(h);
                        chain.add(h.get());
                    }
                }
            }
            if (ok != 1 || cert == null || pkey == null) {
                throw pkcs12Error();
            }
            Identity identity;
            try {
                identity = useCertificateChain(ctx, cert.get(), chain);
                usePrivateKey(ctx, pkey.get());
            } catch (OpenSslException e) {
                throw new OpenSslException(e.code(), e.reason() == null ? e.getMessage() : e.reason(), e.errors());
            }
            for (MemorySegment ca : chain) {
                TrustStore.addCaCertificate(ctx, ca);
            }
            return identity;
        } finally {
            owned.forEach(NativeHandle::close);
            ErrorQueue.clear();
        }
    }

    private static NativeHandle ownIfSet(NativeKind kind, MemorySegment out, List<NativeHandle> owned) {
        MemorySegment p = out.get(ValueLayout.ADDRESS, 0);
        if (Types.isNull(p)) {
            return null;
        }
        NativeHandle h = NativeHandle.own(kind, p);
        owned.add(h);
        return h;
    }

    private static OpenSslException pkcs12Error() {
        List<OpenSslError> errors = ErrorQueue.drain();
        if (errors.isEmpty()) {
            return new OpenSslException("ERR_OSSL_PKCS12_PARSE_ERROR", "Unknown error", errors);
        }
        OpenSslError first = errors.getFirst();
        return new OpenSslException(ErrorQueue.nodeCode(first),
                first.reason() == null ? "Unknown error" : first.reason(), errors);
    }

    private static byte[] nulTerminated(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[utf8.length + 1];
        System.arraycopy(utf8, 0, out, 0, utf8.length);
        return out;
    }

    /** {@code i2d_X509} into Java bytes. */
    static byte[] der(MemorySegment x509) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pp = arena.allocateFrom(ValueLayout.ADDRESS, MemorySegment.NULL);
            int length = X509Calls.i2d_X509(x509, pp);
            if (length <= 0) {
                ErrorQueue.clear();
                return null;
            }
            try (NativeHandle der = NativeHandle.own(NativeKind.OPENSSL_MEMORY, pp.get(ValueLayout.ADDRESS, 0))) {
                return Types.bytes(der.get(), length);
            }
        }
    }
}
