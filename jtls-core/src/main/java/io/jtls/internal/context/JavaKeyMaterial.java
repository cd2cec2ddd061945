package io.jtls.internal.context;

import io.jtls.context.PrivateKeyEntry;
import io.jtls.error.TlsArgumentException;
import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.internal.openssl.KeyGenCalls;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.Types;
import io.jtls.internal.openssl.X509Calls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Java private key and its certificate chain into a context: the certificates as DER
 * ({@code d2i_X509}), then the key as PKCS#8 DER ({@code d2i_AutoPrivateKey}), in the order
 * Node applies {@code cert} and {@code key} so that OpenSSL checks the key against the
 * certificate of its type.
 *
 * <p>The key's bytes exist only while OpenSSL parses them: {@link java.security.PrivateKey#getEncoded()}
 * returns a fresh copy, which is copied once into native memory; both are overwritten with
 * zeros before this method returns, whatever happens. From then on only OpenSSL's
 * {@code EVP_PKEY} (owned by the {@code SSL_CTX}) holds the key.
 */
final class JavaKeyMaterial {
    private JavaKeyMaterial() {}

    /** Uses {@code entry}'s chain and key in {@code ctx}; returns the identity for {@code getCertificate()}. */
    static KeyMaterial.Identity use(MemorySegment ctx, PrivateKeyEntry entry) {
        List<NativeHandle> certificates = new ArrayList<>();
        try {
            for (X509Certificate c : entry.chain()) {
                certificates.add(certificate(c));
            }
            KeyMaterial.Identity identity = KeyMaterial.useCertificateChain(ctx, certificates.getFirst().get(),
                    certificates.subList(1, certificates.size()).stream().map(NativeHandle::get).toList());
            try (NativeHandle key = privateKey(entry)) {
                KeyMaterial.usePrivateKey(ctx, key.get());
            }
            return identity;
        } finally {
            certificates.forEach(NativeHandle::close);
        }
    }

    private static NativeHandle certificate(X509Certificate certificate) {
        byte[] der;
        try {
            der = certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new TlsArgumentException("ERR_INVALID_ARG_VALUE", "The property 'options.keyEntries' is invalid."
                    + " Received a certificate that cannot be encoded: " + e.getMessage());
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment raw = parse(arena, der, true);
            if (Types.isNull(raw)) {
                throw ErrorQueue.exception("d2i_X509", "ERR_OSSL_ASN1_DECODE_ERROR");
            }
            return NativeHandle.own(NativeKind.X509, raw);
        }
    }

    private static NativeHandle privateKey(PrivateKeyEntry entry) {
        byte[] der = entry.key().getEncoded();
        if (der == null) {
            throw new TlsArgumentException("ERR_INVALID_ARG_VALUE", "The property 'options.keyEntries' is invalid."
                    + " Received a " + entry.key().getAlgorithm() + " key that cannot be exported");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment raw = parse(arena, der, false);
            if (Types.isNull(raw)) {
                throw ErrorQueue.exception("d2i_AutoPrivateKey", "ERR_OSSL_ASN1_DECODE_ERROR");
            }
            return NativeHandle.own(NativeKind.EVP_PKEY, raw);
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    /**
     * Parses DER with {@code d2i_X509} or {@code d2i_AutoPrivateKey}; the native copy of the
     * bytes is zeroed before the arena frees it.
     */
    private static MemorySegment parse(Arena arena, byte[] der, boolean certificate) {
        MemorySegment data = arena.allocateFrom(ValueLayout.JAVA_BYTE, der);
        try {
            MemorySegment cursor = arena.allocateFrom(ValueLayout.ADDRESS, data);
            ErrorQueue.clear();
            return certificate
                    ? X509Calls.d2i_X509(MemorySegment.NULL, cursor, der.length)
                    : KeyGenCalls.d2i_AutoPrivateKey(MemorySegment.NULL, cursor, der.length);
        } finally {
            data.fill((byte) 0);
        }
    }
}
