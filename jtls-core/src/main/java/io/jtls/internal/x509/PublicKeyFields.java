package io.jtls.internal.x509;

import io.jtls.internal.openssl.EvpPkeyCalls;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.Types;
import io.jtls.internal.openssl.X509FieldCalls;
import io.jtls.x509.Certificate;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.util.Locale;

/**
 * The public-key fields of Node's certificate object (src/crypto/crypto_common.cc,
 * {@code X509ToObject}): for {@code EVP_PKEY_RSA} keys {@code modulus}, {@code bits},
 * {@code exponent} and {@code pubkey} (the DER SubjectPublicKeyInfo of {@code i2d_RSA_PUBKEY});
 * for {@code EVP_PKEY_EC} keys {@code bits} (the group order's size), {@code pubkey} (the
 * uncompressed point) and, for named curves, {@code asn1Curve} and
 * {@code nistCurve}. Other key types (RSA-PSS, Ed25519, ...) get none, as in Node. A field
 * OpenSSL cannot give is left absent; the caller's error-queue mark drops what it queued.
 */
final class PublicKeyFields {
    private PublicKeyFields() {}

    private static final int GROUP_NAME_BUFFER = 80;
    /** {@code BN_get_word} of a number wider than a word. */
    private static final BigInteger WORD_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    static void read(MemorySegment x509, Certificate.Builder b) {
        MemorySegment pkey = EvpPkeyCalls.X509_get0_pubkey(x509); // borrowed from the certificate
        if (Types.isNull(pkey)) {
            return;
        }
        switch (EvpPkeyCalls.EVP_PKEY_get_id(pkey)) {
            case EvpPkeyCalls.EVP_PKEY_RSA -> readRsa(pkey, b);
            case EvpPkeyCalls.EVP_PKEY_EC -> readEc(pkey, b);
            default -> { }
        }
    }

    private static void readRsa(MemorySegment pkey, Certificate.Builder b) {
        BigInteger n = bnParam(pkey, EvpPkeyCalls.OSSL_PKEY_PARAM_RSA_N);
        BigInteger e = bnParam(pkey, EvpPkeyCalls.OSSL_PKEY_PARAM_RSA_E);
        if (n == null || e == null) {
            return;
        }
        // BN_print: upper-case hex, leading zero nibbles dropped.
        b.modulus(n.toString(16).toUpperCase(Locale.ROOT));
        b.bits(n.bitLength());
        // BIO_printf("0x%" PRIx64, BN_get_word(e)): all ones when e does not fit a word.
        b.exponent("0x" + (e.bitLength() > 64 ? WORD_MAX : e).toString(16));
        b.pubkey(i2dPubkey(pkey));
    }

    private static void readEc(MemorySegment pkey, Certificate.Builder b) {
        int bits = EvpPkeyCalls.EVP_PKEY_get_bits(pkey); // EC_GROUP_order_bits for EC keys
        if (bits > 0) {
            b.bits(bits);
        }
        try (Arena arena = Arena.ofConfined()) {
            // Node's EC_POINT_point2oct with the legacy key's form: uncompressed even when the
            // certificate holds a compressed point, as OpenSSL 3's "encoded-pub-key".
            b.pubkey(octetParam(arena, pkey, EvpPkeyCalls.OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY));
            MemorySegment name = arena.allocate(GROUP_NAME_BUFFER);
            MemorySegment length = arena.allocate(ValueLayout.JAVA_LONG);
            MemorySegment key = arena.allocateFrom(EvpPkeyCalls.OSSL_PKEY_PARAM_GROUP_NAME);
            if (EvpPkeyCalls.EVP_PKEY_get_utf8_string_param(pkey, key, name, GROUP_NAME_BUFFER, length) != 1) {
                return; // explicit curve parameters: Node sets neither name
            }
            int nid = X509FieldCalls.OBJ_txt2nid(name);
            if (nid == X509FieldCalls.NID_undef) {
                nid = EvpPkeyCalls.EC_curve_nist2nid(name);
            }
            if (nid == X509FieldCalls.NID_undef) {
                return;
            }
            b.asn1Curve(Types.cString(X509FieldCalls.OBJ_nid2sn(nid)));
            b.nistCurve(Types.cString(EvpPkeyCalls.EC_curve_nid2nist(nid)));
        }
    }

    /** An octet-string parameter of the key, or null when the key has none. */
    private static byte[] octetParam(Arena arena, MemorySegment pkey, String name) {
        MemorySegment key = arena.allocateFrom(name);
        MemorySegment length = arena.allocate(ValueLayout.JAVA_LONG);
        if (EvpPkeyCalls.EVP_PKEY_get_octet_string_param(pkey, key, MemorySegment.NULL, 0, length) != 1) {
            return null;
        }
        long size = length.get(ValueLayout.JAVA_LONG, 0);
        MemorySegment buf = arena.allocate(Math.max(size, 1));
        if (EvpPkeyCalls.EVP_PKEY_get_octet_string_param(pkey, key, buf, size, length) != 1) {
            return null;
        }
        return buf.asSlice(0, length.get(ValueLayout.JAVA_LONG, 0)).toArray(ValueLayout.JAVA_BYTE);
    }

    /** A BIGNUM parameter of the key, or null when the key has none. */
    private static BigInteger bnParam(MemorySegment pkey, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            if (EvpPkeyCalls.EVP_PKEY_get_bn_param(pkey, arena.allocateFrom(name), out) != 1) {
                return null;
            }
            try (NativeHandle bn = NativeHandle.scoped(NativeKind.BIGNUM, out.get(ValueLayout.ADDRESS, 0))) {
                int size = EvpPkeyCalls.BN_num_bytes(bn.get());
                MemorySegment bytes = arena.allocate(Math.max(size, 1));
                EvpPkeyCalls.BN_bn2bin(bn.get(), bytes);
                return new BigInteger(1, bytes.asSlice(0, size).toArray(ValueLayout.JAVA_BYTE));
            }
        }
    }

    /** {@code i2d_PUBKEY}: the DER SubjectPublicKeyInfo. */
    private static byte[] i2dPubkey(MemorySegment pkey) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pp = arena.allocate(ValueLayout.ADDRESS);
            pp.set(ValueLayout.ADDRESS, 0, MemorySegment.NULL); // let OpenSSL allocate
            int length = EvpPkeyCalls.i2d_PUBKEY(pkey, pp);
            if (length <= 0) {
                return null;
            }
            try (NativeHandle der = NativeHandle.scoped(NativeKind.OPENSSL_MEMORY, pp.get(ValueLayout.ADDRESS, 0))) {
                return Types.bytes(der.get(), length);
            }
        }
    }
}
