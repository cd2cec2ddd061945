package io.jtls.internal.x509;

import io.jtls.internal.openssl.Bios;
import io.jtls.internal.openssl.ErrCalls;
import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.internal.openssl.EvpCalls;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.PemCalls;
import io.jtls.internal.openssl.StackCalls;
import io.jtls.internal.openssl.Types;
import io.jtls.internal.openssl.X509Calls;
import io.jtls.internal.openssl.X509FieldCalls;
import io.jtls.internal.util.JsonStrings;
import io.jtls.x509.Certificate;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds Node's certificate object from an OpenSSL {@code X509*}, field by field as Node's
 * {@code X509ToObject} (src/crypto/crypto_common.cc) and {@code translatePeerCertificate}
 * (lib/_tls_common.js) do. Everything is copied into Java values: the {@link Certificate}
 * keeps no native pointer and outlives the {@code X509}.
 *
 * <p>The engine calls {@link #read(MemorySegment)} for {@code getPeerCertificate()} and
 * {@code getCertificate()}, and {@link CertificateChain} for {@code getPeerCertificate(true)}.
 */
public final class CertificateReader {
    private CertificateReader() {}

    /** {@code EVP_MAX_MD_SIZE}. */
    private static final int MAX_MD_SIZE = 64;
    /** Node's buffer for {@code OBJ_obj2txt} of an extended key usage. */
    private static final int EKU_OID_BUFFER = 256;
    /** One line of Node's infoAccess text: {@code key:value} (translatePeerCertificate's regex). */
    private static final Pattern INFO_ACCESS_LINE = Pattern.compile("([^\\n:]*):([^\\n]*)(?:\\n|$)");

    /**
     * The certificate object of a certificate OpenSSL holds. The pointer is borrowed: it is
     * neither freed nor kept. No issuer link is set (see {@link CertificateChain}).
     */
    public static Certificate read(MemorySegment x509) {
        return fields(x509).build();
    }

    /** The fields of {@link #read}, in a builder the chain helper adds the issuer link to. */
    static Certificate.Builder fields(MemorySegment x509) {
        if (Types.isNull(x509)) {
            throw new NullPointerException("NULL X509");
        }
        // Leave the thread's error queue as we found it: decoding failures of optional
        // extensions are reported as absent fields, as Node does (ClearErrorOnReturn).
        ErrCalls.ERR_set_mark();
        try {
            Certificate.Builder b = Certificate.builder()
                    .subject(X509Names.read(X509FieldCalls.X509_get_subject_name(x509)))
                    .issuer(X509Names.read(X509FieldCalls.X509_get_issuer_name(x509)))
                    .subjectaltname(GeneralNameText.subjectAltName(x509))
                    .infoAccess(translateInfoAccess(GeneralNameText.infoAccess(x509)))
                    .ca(X509FieldCalls.X509_check_ca(x509) == 1);
            PublicKeyFields.read(x509, b);
            MemorySegment notBefore = X509FieldCalls.X509_get0_notBefore(x509);
            MemorySegment notAfter = X509FieldCalls.X509_get0_notAfter(x509);
            return b.validFrom(timeText(notBefore))
                    .validTo(timeText(notAfter))
                    .validFromDate(timeInstant(notBefore))
                    .validToDate(timeInstant(notAfter))
                    .fingerprint(fingerprint(x509, EvpCalls.EVP_sha1()))
                    .fingerprint256(fingerprint(x509, EvpCalls.EVP_sha256()))
                    .fingerprint512(fingerprint(x509, EvpCalls.EVP_sha512()))
                    .extKeyUsage(extKeyUsage(x509))
                    .serialNumber(serialNumber(x509))
                    .raw(der(x509));
        } finally {
            ErrCalls.ERR_pop_to_mark();
        }
    }

    /**
     * Reads the first certificate of a PEM text (as Node's {@code X509Certificate}:
     * {@code PEM_read_bio_X509_AUX}, so {@code TRUSTED CERTIFICATE} blocks are accepted too).
     */
    public static Certificate fromPem(String pem) {
        try (NativeHandle x509 = parsePem(pem)) {
            return read(x509.get());
        }
    }

    /** Reads a DER-encoded certificate. */
    public static Certificate fromDer(byte[] der) {
        try (NativeHandle x509 = parseDer(der)) {
            return read(x509.get());
        }
    }

    /** An owned {@code X509} from the first certificate of a PEM text. */
    public static NativeHandle parsePem(String pem) {
        try (NativeHandle bio = Bios.of(pem.getBytes(StandardCharsets.UTF_8))) {
            ErrorQueue.clear();
            MemorySegment x509 = PemCalls.PEM_read_bio_X509_AUX(bio.get(), MemorySegment.NULL,
                    MemorySegment.NULL, MemorySegment.NULL);
            if (Types.isNull(x509)) {
                throw ErrorQueue.exception("PEM_read_bio_X509_AUX", "ERR_OSSL_PEM_NO_START_LINE");
            }
            return NativeHandle.own(NativeKind.X509, x509);
        }
    }

    /** An owned {@code X509} from DER bytes. */
    public static NativeHandle parseDer(byte[] der) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocateFrom(ValueLayout.JAVA_BYTE, der);
            MemorySegment in = arena.allocateFrom(ValueLayout.ADDRESS, data);
            ErrorQueue.clear();
            MemorySegment x509 = X509Calls.d2i_X509(MemorySegment.NULL, in, der.length);
            if (Types.isNull(x509)) {
                throw ErrorQueue.exception("d2i_X509", "ERR_OSSL_ASN1_HEADER_TOO_LONG");
            }
            return NativeHandle.own(NativeKind.X509, x509);
        }
    }

    /**
     * Node's {@code translatePeerCertificate} of the infoAccess text: each {@code key:value}
     * line adds the value (JSON-decoded when quoted) to the key's list, in order.
     */
    static Map<String, List<String>> translateInfoAccess(String text) {
        if (text == null) {
            return null;
        }
        Map<String, List<String>> map = new LinkedHashMap<>();
        Matcher m = INFO_ACCESS_LINE.matcher(text);
        while (m.find()) {
            String value = m.group(2);
            if (!value.isEmpty() && value.charAt(0) == '"') {
                value = JsonStrings.parse(value);
            }
            map.computeIfAbsent(m.group(1), k -> new ArrayList<>(1)).add(value);
            if (m.end() == m.start()) {
                break; // an empty match: nothing further can match
            }
        }
        return map;
    }

    /** {@code ASN1_TIME_print}: "Jan  1 00:00:00 2026 GMT". */
    private static String timeText(MemorySegment time) {
        try (NativeHandle bio = NativeHandle.scoped(NativeKind.BIO, Bios.newMemoryRaw())) {
            X509FieldCalls.ASN1_TIME_print(bio.get(), time);
            return new String(Bios.contents(bio), StandardCharsets.UTF_8);
        }
    }

    /** The time as an instant, through {@code ASN1_TIME_to_tm}; null when it does not parse. */
    private static Instant timeInstant(MemorySegment time) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tm = arena.allocate(X509FieldCalls.STRUCT_TM_SIZE, 8);
            if (X509FieldCalls.ASN1_TIME_to_tm(time, tm) != 1) {
                return null;
            }
            int[] f = tm.asSlice(0, 6 * 4).toArray(ValueLayout.JAVA_INT); // sec, min, hour, mday, mon, year
            return LocalDateTime.of(f[5] + 1900, f[4] + 1, f[3], f[2], f[1], f[0]).toInstant(ZoneOffset.UTC);
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    /** Node's {@code GetFingerprintDigest}: colon-separated upper-case hex of {@code X509_digest}. */
    private static String fingerprint(MemorySegment x509, MemorySegment md) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(MAX_MD_SIZE);
            MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            if (X509FieldCalls.X509_digest(x509, md, buf, len) != 1) {
                return null;
            }
            byte[] digest = buf.asSlice(0, len.get(ValueLayout.JAVA_INT, 0)).toArray(ValueLayout.JAVA_BYTE);
            StringBuilder sb = new StringBuilder(digest.length * 3);
            for (byte d : digest) {
                sb.append(sb.isEmpty() ? "" : ":").append(String.format("%02X", d & 0xff));
            }
            return sb.toString();
        }
    }

    /** Node's {@code GetKeyUsage}: the dotted OIDs of the extended key usage extension. */
    private static List<String> extKeyUsage(MemorySegment x509) {
        MemorySegment eku = X509FieldCalls.X509_get_ext_d2i(x509, X509FieldCalls.NID_ext_key_usage,
                MemorySegment.NULL, MemorySegment.NULL);
        if (Types.isNull(eku)) {
            return null;
        }
        try (NativeHandle owned = NativeHandle.scoped(NativeKind.EXTENDED_KEY_USAGE, eku);
                Arena arena = Arena.ofConfined()) {
            int count = StackCalls.sk_num(owned.get());
            List<String> oids = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String oid = X509Names.oidText(arena, StackCalls.sk_value(owned.get(), i), EKU_OID_BUFFER);
                if (oid != null) {
                    oids.add(oid);
                }
            }
            return oids;
        }
    }

    /** Node's {@code GetSerialNumber}: {@code BN_bn2hex}, upper-case hex in whole bytes. */
    private static String serialNumber(MemorySegment x509) {
        MemorySegment serial = X509FieldCalls.X509_get_serialNumber(x509);
        if (Types.isNull(serial)) {
            return null;
        }
        MemorySegment bn = X509FieldCalls.ASN1_INTEGER_to_BN(serial, MemorySegment.NULL);
        if (Types.isNull(bn)) {
            return null;
        }
        try (NativeHandle ownedBn = NativeHandle.scoped(NativeKind.BIGNUM, bn)) {
            MemorySegment hex = X509FieldCalls.BN_bn2hex(ownedBn.get());
            if (Types.isNull(hex)) {
                return null;
            }
            try (NativeHandle ownedHex = NativeHandle.scoped(NativeKind.OPENSSL_MEMORY, hex)) {
                return Types.cString(ownedHex.get());
            }
        }
    }

    /**
     * An owned {@code X509}'s DER encoding ({@code i2d_X509}).
     *
     * @throws io.jtls.error.OpenSslException when OpenSSL cannot encode it
     */
    public static byte[] encodeDer(MemorySegment x509) {
        ErrorQueue.clear();
        byte[] der = der(x509);
        if (der == null) {
            throw ErrorQueue.exception("i2d_X509", "ERR_OSSL_ASN1_ENCODE_ERROR");
        }
        return der;
    }

    /** Node's {@code GetRawDERCertificate}: {@code i2d_X509}; null when it fails. */
    static byte[] der(MemorySegment x509) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pp = arena.allocateFrom(ValueLayout.ADDRESS, MemorySegment.NULL);
            int length = X509Calls.i2d_X509(x509, pp);
            if (length <= 0) {
                return null;
            }
            try (NativeHandle der = NativeHandle.scoped(NativeKind.OPENSSL_MEMORY, pp.get(ValueLayout.ADDRESS, 0))) {
                return Types.bytes(der.get(), length);
            }
        }
    }
}
