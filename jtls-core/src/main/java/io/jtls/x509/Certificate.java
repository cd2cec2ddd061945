package io.jtls.x509;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Node's certificate object ({@code tlsSocket.getPeerCertificate()},
 * {@code new crypto.X509Certificate(pem).toLegacyObject()}): the fields of one X.509
 * certificate, read once from OpenSSL and kept as plain immutable Java values.
 *
 * <p>Every accessor is named after Node's property and holds exactly the string Node prints
 * ({@code valid_from} is {@link #validFrom()}, {@code ext_key_usage} is {@link #extKeyUsage()},
 * {@code serialNumber} is upper-case hex with whole bytes, {@code modulus} upper-case hex
 * without leading zeros, {@code exponent} {@code "0x10001"}).
 *
 * <p><b>Absent values are {@code null}</b>, where Node's property is {@code undefined}: the RSA
 * fields on an EC certificate, {@code subjectaltname} without the extension, and so on. Node
 * sets {@code subjectaltname} or {@code infoAccess} to {@code null} when the extension cannot be
 * decoded; that is {@code null} here too. Byte arrays are copied on the way out.
 *
 * <p>{@link #issuerCertificate()} is set only on certificates of a detailed chain
 * ({@code getPeerCertificate(true)}); a self-signed root links to itself, as in Node, which
 * {@link #issuerCertificate()} represents by returning {@code this}.
 *
 * <p>Certificates are compared by identity. Build one from fields with {@link #builder()} (for
 * tests of a {@code checkServerIdentity} function, for example).
 */
public final class Certificate {
    private final byte[] raw;
    private final DistinguishedName subject;
    private final DistinguishedName issuer;
    private final String subjectaltname;
    private final Map<String, List<String>> infoAccess;
    private final boolean ca;
    private final String modulus;
    private final Integer bits;
    private final String exponent;
    private final byte[] pubkey;
    private final String asn1Curve;
    private final String nistCurve;
    private final String validFrom;
    private final String validTo;
    private final Instant validFromDate;
    private final Instant validToDate;
    private final String fingerprint;
    private final String fingerprint256;
    private final String fingerprint512;
    private final List<String> extKeyUsage;
    private final String serialNumber;
    private final Certificate issuerCertificate;
    private final boolean issuedBySelf;

    private Certificate(Builder b) {
        this.raw = b.raw == null ? null : b.raw.clone();
        this.subject = b.subject;
        this.issuer = b.issuer;
        this.subjectaltname = b.subjectaltname;
        this.infoAccess = b.infoAccess == null ? null : copyInfoAccess(b.infoAccess);
        this.ca = b.ca;
        this.modulus = b.modulus;
        this.bits = b.bits;
        this.exponent = b.exponent;
        this.pubkey = b.pubkey == null ? null : b.pubkey.clone();
        this.asn1Curve = b.asn1Curve;
        this.nistCurve = b.nistCurve;
        this.validFrom = b.validFrom;
        this.validTo = b.validTo;
        this.validFromDate = b.validFromDate;
        this.validToDate = b.validToDate;
        this.fingerprint = b.fingerprint;
        this.fingerprint256 = b.fingerprint256;
        this.fingerprint512 = b.fingerprint512;
        this.extKeyUsage = b.extKeyUsage == null ? null : List.copyOf(b.extKeyUsage);
        this.serialNumber = b.serialNumber;
        this.issuerCertificate = b.issuerCertificate;
        this.issuedBySelf = b.issuedBySelf;
    }

    private static Map<String, List<String>> copyInfoAccess(Map<String, List<String>> in) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        in.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        return Collections.unmodifiableMap(copy);
    }

    /**
     * A builder for a certificate object made of given fields; every field starts absent.
     *
     * @return a builder for a certificate object made of given fields; every field starts absent
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this certificate's fields (and issuer link).
     *
     * @return a builder holding this certificate's fields (and issuer link)
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.raw = raw;
        b.subject = subject;
        b.issuer = issuer;
        b.subjectaltname = subjectaltname;
        b.infoAccess = infoAccess;
        b.ca = ca;
        b.modulus = modulus;
        b.bits = bits;
        b.exponent = exponent;
        b.pubkey = pubkey;
        b.asn1Curve = asn1Curve;
        b.nistCurve = nistCurve;
        b.validFrom = validFrom;
        b.validTo = validTo;
        b.validFromDate = validFromDate;
        b.validToDate = validToDate;
        b.fingerprint = fingerprint;
        b.fingerprint256 = fingerprint256;
        b.fingerprint512 = fingerprint512;
        b.extKeyUsage = extKeyUsage;
        b.serialNumber = serialNumber;
        b.issuerCertificate = issuerCertificate;
        b.issuedBySelf = issuedBySelf;
        return b;
    }

    /**
     * Node's {@code raw}: the DER encoding (a copy).
     *
     * @return Node's {@code raw}: the DER encoding (a copy)
     */
    public byte[] raw() {
        return raw == null ? null : raw.clone();
    }

    /**
     * Node's {@code subject}.
     *
     * @return Node's {@code subject}
     */
    public DistinguishedName subject() {
        return subject;
    }

    /**
     * Node's {@code issuer}.
     *
     * @return Node's {@code issuer}
     */
    public DistinguishedName issuer() {
        return issuer;
    }

    /**
     * Node's {@code subjectaltname}: {@code "DNS:localhost, IP Address:127.0.0.1, email:a@b.c,
     * URI:http://..."}; names with a comma, quote or control character are JSON-quoted as Node
     * does ({@code URI:"http://x/a\u002cb"}).
     *
     * @return Node's {@code subjectaltname}: {@code "DNS:localhost, IP Address:127.0.0.1, email:a@b.c,
     *         URI:http://..."}; names with a comma, quote or control character are JSON-quoted as Node does
     *         ({@code URI:"http://x/a\u002cb"})
     */
    public String subjectaltname() {
        return subjectaltname;
    }

    /**
     * Node's {@code infoAccess}: the Authority Information Access entries grouped by method and
     * location type, such as {@code "OCSP - URI" -> [url]}, {@code "CA Issuers - URI" -> [url, ...]}.
     *
     * @return Node's {@code infoAccess}: the Authority Information Access entries grouped by method and
     *         location type, such as {@code "OCSP - URI" -> [url]}, {@code "CA Issuers - URI" -> [url, ...]}
     */
    public Map<String, List<String>> infoAccess() {
        return infoAccess;
    }

    /**
     * Node's {@code ca}: OpenSSL's {@code X509_check_ca() == 1}.
     *
     * @return Node's {@code ca}: OpenSSL's {@code X509_check_ca() == 1}
     */
    public boolean ca() {
        return ca;
    }

    /**
     * Node's {@code modulus} (RSA): upper-case hex without leading zeros.
     *
     * @return Node's {@code modulus} (RSA): upper-case hex without leading zeros
     */
    public String modulus() {
        return modulus;
    }

    /**
     * Node's {@code bits}: the RSA modulus size or the EC group order size.
     *
     * @return Node's {@code bits}: the RSA modulus size or the EC group order size
     */
    public Integer bits() {
        return bits;
    }

    /**
     * Node's {@code exponent} (RSA): such as {@code "0x10001"}.
     *
     * @return Node's {@code exponent} (RSA): such as {@code "0x10001"}
     */
    public String exponent() {
        return exponent;
    }

    /**
     * Node's {@code pubkey} (a copy): for RSA the DER SubjectPublicKeyInfo ({@code i2d_RSA_PUBKEY}),
     * for EC the uncompressed point ({@code 04 || X || Y}), whatever form the certificate holds.
     *
     * @return Node's {@code pubkey} (a copy): for RSA the DER SubjectPublicKeyInfo ({@code i2d_RSA_PUBKEY}),
     *         for EC the uncompressed point ({@code 04 || X || Y}), whatever form the certificate holds
     */
    public byte[] pubkey() {
        return pubkey == null ? null : pubkey.clone();
    }

    /**
     * Node's {@code asn1Curve} (EC): OpenSSL's short name of the curve, such as {@code "prime256v1"}.
     *
     * @return Node's {@code asn1Curve} (EC): OpenSSL's short name of the curve, such as {@code "prime256v1"}
     */
    public String asn1Curve() {
        return asn1Curve;
    }

    /**
     * Node's {@code nistCurve} (EC): such as {@code "P-256"}; null for curves NIST did not name.
     *
     * @return Node's {@code nistCurve} (EC): such as {@code "P-256"}; null for curves NIST did not name
     */
    public String nistCurve() {
        return nistCurve;
    }

    /**
     * Node's {@code valid_from}, in OpenSSL's format: {@code "Jan  1 00:00:00 2026 GMT"}.
     *
     * @return Node's {@code valid_from}, in OpenSSL's format: {@code "Jan 1 00:00:00 2026 GMT"}
     */
    public String validFrom() {
        return validFrom;
    }

    /**
     * Node's {@code valid_to}, in OpenSSL's format: {@code "Jan  1 00:00:00 2027 GMT"}.
     *
     * @return Node's {@code valid_to}, in OpenSSL's format: {@code "Jan 1 00:00:00 2027 GMT"}
     */
    public String validTo() {
        return validTo;
    }

    /**
     * {@link #validFrom()} as an instant (whole seconds). Not in Node's object.
     *
     * @return {@link #validFrom()} as an instant (whole seconds)
     */
    public Instant validFromDate() {
        return validFromDate;
    }

    /**
     * {@link #validTo()} as an instant (whole seconds). Not in Node's object.
     *
     * @return {@link #validTo()} as an instant (whole seconds)
     */
    public Instant validToDate() {
        return validToDate;
    }

    /**
     * Node's {@code fingerprint}: SHA-1 of the DER, colon-separated upper-case hex.
     *
     * @return Node's {@code fingerprint}: SHA-1 of the DER, colon-separated upper-case hex
     */
    public String fingerprint() {
        return fingerprint;
    }

    /**
     * Node's {@code fingerprint256}: SHA-256 of the DER, colon-separated upper-case hex.
     *
     * @return Node's {@code fingerprint256}: SHA-256 of the DER, colon-separated upper-case hex
     */
    public String fingerprint256() {
        return fingerprint256;
    }

    /**
     * Node's {@code fingerprint512}: SHA-512 of the DER, colon-separated upper-case hex.
     *
     * @return Node's {@code fingerprint512}: SHA-512 of the DER, colon-separated upper-case hex
     */
    public String fingerprint512() {
        return fingerprint512;
    }

    /**
     * Node's {@code ext_key_usage}: the extended key usage OIDs, dotted.
     *
     * @return Node's {@code ext_key_usage}: the extended key usage OIDs, dotted
     */
    public List<String> extKeyUsage() {
        return extKeyUsage;
    }

    /**
     * Node's {@code serialNumber}: upper-case hex, whole bytes ({@code "0ABC"}, never {@code "ABC"}).
     *
     * @return Node's {@code serialNumber}: upper-case hex, whole bytes ({@code "0ABC"}, never {@code "ABC"})
     */
    public String serialNumber() {
        return serialNumber;
    }

    /**
     * Node's {@code issuerCertificate}, set on the certificates of a detailed chain: the issuer,
     * {@code this} for a self-signed root, null where the chain ends without a root (or the
     * certificate is not part of a detailed chain).
     *
     * @return Node's {@code issuerCertificate}, set on the certificates of a detailed chain: the issuer,
     *         {@code this} for a self-signed root, null where the chain ends without a root (or the
     *         certificate is not part of a detailed chain)
     */
    public Certificate issuerCertificate() {
        return issuedBySelf ? this : issuerCertificate;
    }

    @Override
    public String toString() {
        return "Certificate[subject=" + subject + ", issuer=" + issuer
                + (subjectaltname == null ? "" : ", subjectaltname=" + subjectaltname)
                + (serialNumber == null ? "" : ", serialNumber=" + serialNumber)
                + (validTo == null ? "" : ", valid_to=" + validTo) + "]";
    }

    /** Collects fields for a {@link Certificate}; every field starts absent ({@code ca} false). */
    public static final class Builder {
        private byte[] raw;
        private DistinguishedName subject;
        private DistinguishedName issuer;
        private String subjectaltname;
        private Map<String, List<String>> infoAccess;
        private boolean ca;
        private String modulus;
        private Integer bits;
        private String exponent;
        private byte[] pubkey;
        private String asn1Curve;
        private String nistCurve;
        private String validFrom;
        private String validTo;
        private Instant validFromDate;
        private Instant validToDate;
        private String fingerprint;
        private String fingerprint256;
        private String fingerprint512;
        private List<String> extKeyUsage;
        private String serialNumber;
        private Certificate issuerCertificate;
        private boolean issuedBySelf;

        private Builder() {}

        /**
         * The raw.
         *
         * @param value the value
         * @return this builder
         */
        public Builder raw(byte[] value) {
            this.raw = value;
            return this;
        }

        /**
         * The subject.
         *
         * @param value the value
         * @return this builder
         */
        public Builder subject(DistinguishedName value) {
            this.subject = value;
            return this;
        }

        /**
         * The issuer.
         *
         * @param value the value
         * @return this builder
         */
        public Builder issuer(DistinguishedName value) {
            this.issuer = value;
            return this;
        }

        /**
         * The subjectaltname.
         *
         * @param value the value
         * @return this builder
         */
        public Builder subjectaltname(String value) {
            this.subjectaltname = value;
            return this;
        }

        /**
         * Sets {@link Certificate#infoAccess()}.
         *
         * @param value access method to locations
         * @return this builder
         */
        public Builder infoAccess(Map<String, List<String>> value) {
            this.infoAccess = value;
            return this;
        }

        /**
         * The ca.
         *
         * @param value the value
         * @return this builder
         */
        public Builder ca(boolean value) {
            this.ca = value;
            return this;
        }

        /**
         * The modulus.
         *
         * @param value the value
         * @return this builder
         */
        public Builder modulus(String value) {
            this.modulus = value;
            return this;
        }

        /**
         * The bits.
         *
         * @param value the value
         * @return this builder
         */
        public Builder bits(Integer value) {
            this.bits = value;
            return this;
        }

        /**
         * The exponent.
         *
         * @param value the value
         * @return this builder
         */
        public Builder exponent(String value) {
            this.exponent = value;
            return this;
        }

        /**
         * The pubkey.
         *
         * @param value the value
         * @return this builder
         */
        public Builder pubkey(byte[] value) {
            this.pubkey = value;
            return this;
        }

        /**
         * The asn1 curve.
         *
         * @param value the value
         * @return this builder
         */
        public Builder asn1Curve(String value) {
            this.asn1Curve = value;
            return this;
        }

        /**
         * The nist curve.
         *
         * @param value the value
         * @return this builder
         */
        public Builder nistCurve(String value) {
            this.nistCurve = value;
            return this;
        }

        /**
         * The valid from.
         *
         * @param value the value
         * @return this builder
         */
        public Builder validFrom(String value) {
            this.validFrom = value;
            return this;
        }

        /**
         * The valid to.
         *
         * @param value the value
         * @return this builder
         */
        public Builder validTo(String value) {
            this.validTo = value;
            return this;
        }

        /**
         * The valid from date.
         *
         * @param value the value
         * @return this builder
         */
        public Builder validFromDate(Instant value) {
            this.validFromDate = value;
            return this;
        }

        /**
         * The valid to date.
         *
         * @param value the value
         * @return this builder
         */
        public Builder validToDate(Instant value) {
            this.validToDate = value;
            return this;
        }

        /**
         * The fingerprint.
         *
         * @param value the value
         * @return this builder
         */
        public Builder fingerprint(String value) {
            this.fingerprint = value;
            return this;
        }

        /**
         * The fingerprint256.
         *
         * @param value the value
         * @return this builder
         */
        public Builder fingerprint256(String value) {
            this.fingerprint256 = value;
            return this;
        }

        /**
         * The fingerprint512.
         *
         * @param value the value
         * @return this builder
         */
        public Builder fingerprint512(String value) {
            this.fingerprint512 = value;
            return this;
        }

        /**
         * The ext key usage.
         *
         * @param value the value
         * @return this builder
         */
        public Builder extKeyUsage(List<String> value) {
            this.extKeyUsage = value;
            return this;
        }

        /**
         * The serial number.
         *
         * @param value the value
         * @return this builder
         */
        public Builder serialNumber(String value) {
            this.serialNumber = value;
            return this;
        }

        /**
         * Links the certificate to its issuer's object (clears {@link #issuedBySelf()}).
         *
         * @param value the value
         * @return this builder
         */
        public Builder issuerCertificate(Certificate value) {
            this.issuerCertificate = value;
            this.issuedBySelf = false;
            return this;
        }

        /**
         * Makes {@link Certificate#issuerCertificate()} return the certificate itself: a self-signed root.
         *
         * @return this builder
         */
        public Builder issuedBySelf() {
            this.issuerCertificate = null;
            this.issuedBySelf = true;
            return this;
        }

        /**
         * Builds from the values set so far.
         *
         * @return the certificate: builds from the values set so far
         */
        public Certificate build() {
            return new Certificate(this);
        }
    }
}
