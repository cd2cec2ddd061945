package io.jtls.pki;

import io.jtls.error.OpenSslException;
import io.jtls.internal.openssl.Bios;
import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.internal.openssl.EvpCalls;
import io.jtls.internal.openssl.EvpPkeyCalls;
import io.jtls.internal.openssl.KeyGenCalls;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.PemCalls;
import io.jtls.internal.openssl.Types;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Private keys on OpenSSL: generation, and the round trip between an {@code EVP_PKEY} and the
 * PKCS#8 DER that {@link HeldCertificate} keeps. Every {@code EVP_PKEY} returned is owned by
 * the caller, who closes it.
 */
final class Keys {
    private Keys() {}

    /** A new key pair as an owned {@code EVP_PKEY}. */
    static NativeHandle generate(KeySpec spec) {
        try (Arena arena = Arena.ofConfined()) {
            ErrorQueue.clear();
            MemorySegment ctxPointer = KeyGenCalls.EVP_PKEY_CTX_new_from_name(MemorySegment.NULL,
                    arena.allocateFrom(spec.algorithm()), MemorySegment.NULL);
            if (Types.isNull(ctxPointer)) {
                throw ErrorQueue.exception("EVP_PKEY_CTX_new_from_name", "ERR_OSSL_EVP_UNSUPPORTED_ALGORITHM");
            }
            try (NativeHandle ctx = NativeHandle.own(NativeKind.EVP_PKEY_CTX, ctxPointer)) {
                if (KeyGenCalls.EVP_PKEY_keygen_init(ctx.get()) <= 0) {
                    throw ErrorQueue.exception("EVP_PKEY_keygen_init", "ERR_OSSL_EVP_OPERATION_NOT_INITIALIZED");
                }
                if (spec.isRsa() && KeyGenCalls.EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), spec.rsaBits()) <= 0) {
                    throw ErrorQueue.exception("EVP_PKEY_CTX_set_rsa_keygen_bits", "ERR_OSSL_EVP_INVALID_KEY_LENGTH");
                }
                if (spec.curve() != null
                        && KeyGenCalls.EVP_PKEY_CTX_set_group_name(ctx.get(), arena.allocateFrom(spec.curve())) <= 0) {
                    throw unknownCurve(spec, ErrorQueue.exception("EVP_PKEY_CTX_set_group_name", "ERR_OSSL_EC_INVALID_CURVE"));
                }
                MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
                out.set(ValueLayout.ADDRESS, 0, MemorySegment.NULL);
                if (KeyGenCalls.EVP_PKEY_generate(ctx.get(), out) <= 0) {
                    OpenSslException e = ErrorQueue.exception("EVP_PKEY_generate", "ERR_OSSL_EVP_KEYGEN_FAILURE");
                    throw spec.curve() != null ? unknownCurve(spec, e) : e;
                }
                return NativeHandle.own(NativeKind.EVP_PKEY, out.get(ValueLayout.ADDRESS, 0));
            }
        }
    }

    private static IllegalArgumentException unknownCurve(KeySpec spec, OpenSslException cause) {
        return new IllegalArgumentException("unknown EC curve: " + spec.curve()
                + " (use an OpenSSL curve name such as prime256v1, secp384r1, secp521r1)", cause);
    }

    /** The unencrypted PKCS#8 {@code PrivateKeyInfo} DER of a key. */
    static byte[] pkcs8Der(NativeHandle key) {
        try (NativeHandle bio = Bios.newMemory()) {
            ErrorQueue.clear();
            if (KeyGenCalls.i2d_PKCS8PrivateKey_bio(bio.get(), key.get(), MemorySegment.NULL,
                    MemorySegment.NULL, 0, MemorySegment.NULL, MemorySegment.NULL) <= 0) {
                throw ErrorQueue.exception("i2d_PKCS8PrivateKey_bio", "ERR_OSSL_ASN1_ENCODE_ERROR");
            }
            return Bios.contents(bio);
        }
    }

    /** Parses PKCS#8 (or traditional) private key DER into an owned {@code EVP_PKEY}. */
    static NativeHandle fromDer(byte[] der) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocateFrom(ValueLayout.JAVA_BYTE, der);
            MemorySegment cursor = arena.allocate(ValueLayout.ADDRESS);
            cursor.set(ValueLayout.ADDRESS, 0, data);
            ErrorQueue.clear();
            MemorySegment key = KeyGenCalls.d2i_AutoPrivateKey(MemorySegment.NULL, cursor, der.length);
            if (Types.isNull(key)) {
                throw ErrorQueue.exception("d2i_AutoPrivateKey", "ERR_OSSL_ASN1_DECODE_ERROR");
            }
            return NativeHandle.own(NativeKind.EVP_PKEY, key);
        }
    }

    /** The key type as users name it: "RSA", "EC", "Ed25519" (or OpenSSL's id for others). */
    static String typeName(NativeHandle key) {
        return typeName(key.get());
    }

    /** {@link #typeName(NativeHandle)} of a borrowed key. */
    static String typeName(MemorySegment key) {
        int id = EvpPkeyCalls.EVP_PKEY_get_base_id(key);
        return switch (id) {
            case KeyGenCalls.EVP_PKEY_RSA -> "RSA";
            case KeyGenCalls.EVP_PKEY_EC -> "EC";
            case KeyGenCalls.EVP_PKEY_ED25519 -> "Ed25519";
            default -> "NID " + id;
        };
    }

    /** The key size in bits (RSA modulus, EC field size, 253 for Ed25519). */
    static int bits(NativeHandle key) {
        return EvpPkeyCalls.EVP_PKEY_get_bits(key.get());
    }

    /**
     * The digest to sign with this key: SHA-256, or none (NULL) for Ed25519, which signs the
     * message itself (PureEdDSA).
     */
    static MemorySegment signingDigest(NativeHandle key) {
        return EvpPkeyCalls.EVP_PKEY_get_base_id(key.get()) == KeyGenCalls.EVP_PKEY_ED25519
                ? MemorySegment.NULL
                : EvpCalls.EVP_sha256();
    }

    /** PKCS#8 PEM, encrypted with AES-256-CBC under {@code passphrase} (PBES2, PBKDF2). */
    static String encryptedPkcs8Pem(byte[] pkcs8Der, String passphrase) {
        return writePem(pkcs8Der, passphrase, true);
    }

    /** Traditional PEM ("RSA PRIVATE KEY", "EC PRIVATE KEY"), AES-256-CBC when {@code passphrase} is not null. */
    static String traditionalPem(byte[] pkcs8Der, String passphrase) {
        return writePem(pkcs8Der, passphrase, false);
    }

    private static String writePem(byte[] pkcs8Der, String passphrase, boolean pkcs8) {
        try (NativeHandle key = fromDer(pkcs8Der);
                NativeHandle bio = Bios.newMemory();
                Arena arena = Arena.ofConfined()) {
            MemorySegment cipher = MemorySegment.NULL;
            MemorySegment pass = MemorySegment.NULL;
            int passLength = 0;
            if (passphrase != null) {
                byte[] bytes = passphrase.getBytes(StandardCharsets.UTF_8);
                cipher = EvpCalls.EVP_aes_256_cbc();
                pass = arena.allocate(bytes.length + 1L);
                MemorySegment.copy(bytes, 0, pass, ValueLayout.JAVA_BYTE, 0, bytes.length);
                passLength = bytes.length;
            }
            ErrorQueue.clear();
            int ok = pkcs8
                    ? PemCalls.PEM_write_bio_PKCS8PrivateKey(bio.get(), key.get(), cipher, pass, passLength,
                            MemorySegment.NULL, MemorySegment.NULL)
                    : PemCalls.PEM_write_bio_PrivateKey_traditional(bio.get(), key.get(), cipher, pass, passLength,
                            MemorySegment.NULL, MemorySegment.NULL);
            if (ok <= 0) {
                throw ErrorQueue.exception(pkcs8 ? "PEM_write_bio_PKCS8PrivateKey"
                        : "PEM_write_bio_PrivateKey_traditional", "ERR_OSSL_PEM_ERROR");
            }
            return new String(Bios.contents(bio), StandardCharsets.US_ASCII);
        }
    }
}
