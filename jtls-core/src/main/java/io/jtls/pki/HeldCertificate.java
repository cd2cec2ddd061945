package io.jtls.pki;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A certificate and the private key it certifies: what a TLS server (or a client doing mutual
 * TLS) holds, made on the spot for tests, demos and internal deployments.
 *
 * <h2>The model</h2>
 * A TLS peer proves its identity with a chain of certificates. Each certificate binds a public
 * key to names and is signed by its <em>issuer</em>:
 * <ul>
 *   <li>a <b>root</b> certificate authority (CA) signs itself; verifiers trust it because it
 *       is in their trust store (Node's {@code ca} option, {@code openssl verify -CAfile});</li>
 *   <li>an <b>intermediate</b> CA is signed by the root (or another intermediate) and signs
 *       leaves, so that the root's key can stay offline. {@code certificateAuthority(n)} says
 *       how many more intermediates may follow below it (the {@code pathlen} constraint);</li>
 *   <li>a <b>leaf</b> (end-entity) certificate names a server (its subjectAltNames: DNS names
 *       and IP addresses that a client checks against the host it dialled) or a client.</li>
 * </ul>
 * A server sends its leaf followed by the intermediates ({@link #chainPem()}); the client
 * completes the chain up to a root it trusts. In <b>mutual TLS</b> the server asks the client
 * for a certificate too ({@code requestCert}) and verifies it against its own {@code ca}.
 *
 * <pre>{@code
 * HeldCertificate root = HeldCertificate.builder()
 *         .commonName("Example Root CA").certificateAuthority(1).build();
 * HeldCertificate intermediate = HeldCertificate.builder()
 *         .commonName("Example Issuing CA").certificateAuthority(0).signedBy(root).build();
 * HeldCertificate server = HeldCertificate.builder()
 *         .commonName("localhost").addSubjectAltName("localhost").addSubjectAltName("127.0.0.1")
 *         .extendedKeyUsage("serverAuth").signedBy(intermediate).build();
 * HeldCertificate client = HeldCertificate.builder()
 *         .commonName("alice").extendedKeyUsage("clientAuth").rsa(2048).signedBy(intermediate).build();
 *
 * // server: key = server.privateKeyPem(), cert = server.chainPem(),
 * //         ca = root.certificatePem(), requestCert = true (to demand client's certificate)
 * // client: key = client.privateKeyPem(), cert = client.chainPem(), ca = root.certificatePem()
 * }</pre>
 *
 * <h2>What an instance is</h2>
 * An immutable value of Java data only: the certificate's DER and the private key as PKCS#8
 * DER. Building and every encoding method create OpenSSL objects and free them before they
 * return, so instances can be kept, shared between threads and dropped freely. The private key
 * is test-grade material in Java heap memory: do not use this class for keys that matter.
 *
 * <p>The API mirrors OkHttp's {@code okhttp3.tls.HeldCertificate}; everything runs on the
 * system's OpenSSL (no JDK crypto).
 */
public final class HeldCertificate {
    private final byte[] certificateDer;
    private final byte[] privateKeyDer;
    private final String keyType;
    private final String commonName;
    private final BigInteger serialNumber;
    private final Instant notBefore;
    private final Instant notAfter;
    private final boolean certificateAuthority;
    private final HeldCertificate issuer;

    HeldCertificate(byte[] certificateDer, byte[] privateKeyDer, String keyType, CertificateSpec spec) {
        this.certificateDer = certificateDer.clone();
        this.privateKeyDer = privateKeyDer.clone();
        this.keyType = keyType;
        this.commonName = spec.commonName();
        this.serialNumber = spec.serialNumber();
        this.notBefore = spec.notBefore();
        this.notAfter = spec.notAfter();
        this.certificateAuthority = spec.isCertificateAuthority();
        this.issuer = spec.issuer();
    }

    /**
     * A new builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A certificate and its private key read back from PEM, as {@link #certificatePem()} (or
     * {@link #chainPem()}: the first certificate is taken) and {@link #privateKeyPem()} or
     * {@link #privateKeyPkcs1Pem()} wrote them, or as another tool did (unencrypted
     * {@code PRIVATE KEY}, {@code RSA PRIVATE KEY} or {@code EC PRIVATE KEY}): a CA kept in
     * files can sign again ({@link Builder#signedBy}). Its {@link #issuer()} is unknown (null) and
     * it has no {@link #intermediates()}.
     *
     * @param certificatePem a PEM {@code CERTIFICATE}
     * @param privateKeyPem  the PEM private key of that certificate
     * @return the pair
     * @throws IllegalArgumentException when either cannot be read, or the key is not the certificate's
     */
    public static HeldCertificate decode(String certificatePem, String privateKeyPem) {
        return HeldCertificateDecoder.decode(certificatePem, privateKeyPem);
    }

    /**
     * The certificate, PEM ("CERTIFICATE").
     *
     * @return the certificate, PEM ("CERTIFICATE")
     */
    public String certificatePem() {
        return Pem.encode("CERTIFICATE", certificateDer);
    }

    /**
     * The certificate, DER.
     *
     * @return the certificate, DER
     */
    public byte[] certificateDer() {
        return certificateDer.clone();
    }

    /**
     * The private key, unencrypted PKCS#8 PEM ("PRIVATE KEY"), as {@code openssl genpkey} writes it.
     *
     * @return the private key, unencrypted PKCS#8 PEM ("PRIVATE KEY"), as {@code openssl genpkey} writes it
     */
    public String privateKeyPem() {
        return Pem.encode("PRIVATE KEY", privateKeyDer);
    }

    /**
     * The private key, unencrypted PKCS#8 DER.
     *
     * @return the private key, unencrypted PKCS#8 DER
     */
    public byte[] privateKeyDer() {
        return privateKeyDer.clone();
    }

    /**
     * The private key in its algorithm's traditional PEM form: PKCS#1 "RSA PRIVATE KEY" or SEC1
     * "EC PRIVATE KEY".
     *
     * @return the private key in its algorithm's traditional PEM form: PKCS#1 "RSA PRIVATE KEY" or SEC1 "EC
     *         PRIVATE KEY"
     * @throws UnsupportedOperationException for Ed25519, which has no traditional form
     */
    public String privateKeyPkcs1Pem() {
        requireTraditionalForm();
        return Keys.traditionalPem(privateKeyDer, null);
    }

    /**
     * The private key as PKCS#8 "ENCRYPTED PRIVATE KEY" PEM: AES-256-CBC with a key derived
     * from {@code passphrase} by PBKDF2 (PBES2). Read it with {@code openssl pkey -passin} or
     * Node's {@code passphrase} option.
     *
     * @param passphrase the passphrase, or null for none
     * @return the private key as PKCS#8 "ENCRYPTED PRIVATE KEY" PEM: AES-256-CBC with a key derived from
     *         {@code passphrase} by PBKDF2 (PBES2)
     */
    public String encryptedPrivateKeyPem(String passphrase) {
        return Keys.encryptedPkcs8Pem(privateKeyDer, requirePassphrase(passphrase));
    }

    /**
     * The private key in traditional PEM ("RSA PRIVATE KEY" / "EC PRIVATE KEY") encrypted the
     * legacy way, with {@code Proc-Type: 4,ENCRYPTED} and {@code DEK-Info: AES-256-CBC,<iv>}
     * headers (the key is derived with OpenSSL's EVP_BytesToKey over MD5).
     *
     * @param passphrase the passphrase, or null for none
     * @return the private key in traditional PEM ("RSA PRIVATE KEY" / "EC PRIVATE KEY") encrypted the legacy
     *         way, with {@code Proc-Type: 4,ENCRYPTED} and {@code DEK-Info: AES-256-CBC,<iv>} headers (the
     *         key is derived with OpenSSL's EVP_BytesToKey over MD5)
     * @throws UnsupportedOperationException for Ed25519, which has no traditional form
     */
    public String encryptedPrivateKeyPkcs1Pem(String passphrase) {
        requireTraditionalForm();
        return Keys.traditionalPem(privateKeyDer, requirePassphrase(passphrase));
    }

    /**
     * This certificate followed by its issuers up to, but without, the self-signed root: what
     * a server sends ({@code cert} option). For a root, just the root.
     *
     * @return this certificate followed by its issuers up to, but without, the self-signed root: what a
     *         server sends ({@code cert} option)
     */
    public String chainPem() {
        StringBuilder chain = new StringBuilder(certificatePem());
        for (HeldCertificate c = issuer; c != null && c.issuer != null; c = c.issuer) {
            chain.append(c.certificatePem());
        }
        return chain.toString();
    }

    /**
     * The intermediates between this certificate and its root, nearest first (empty for a root or a leaf signed by a root).
     *
     * @return the intermediates between this certificate and its root, nearest first (empty for a root or a
     *         leaf signed by a root)
     */
    public List<HeldCertificate> intermediates() {
        List<HeldCertificate> list = new ArrayList<>();
        for (HeldCertificate c = issuer; c != null && c.issuer != null; c = c.issuer) {
            list.add(c);
        }
        return List.copyOf(list);
    }

    /**
     * The certificate that signed this one, or {@code null} when it is self-signed.
     *
     * @return the certificate that signed this one, or {@code null} when it is self-signed
     */
    public HeldCertificate issuer() {
        return issuer;
    }

    /**
     * A PKCS#12 (PFX) file, DER: the private key, this certificate and its intermediates as CA
     * certificates, encrypted under {@code passphrase} with OpenSSL 3's defaults (AES-256-CBC,
     * PBKDF2, SHA-256 MAC). What Node's {@code pfx} option reads.
     *
     * @param passphrase the passphrase, or null for none
     * @return a PKCS#12 (PFX) file, DER: the private key, this certificate and its intermediates as CA
     *         certificates, encrypted under {@code passphrase} with OpenSSL 3's defaults (AES-256-CBC,
     *         PBKDF2, SHA-256 MAC)
     */
    public byte[] pkcs12(String passphrase) {
        return Pkcs12.create(this, requirePassphrase(passphrase), null);
    }

    /**
     * As {@link #pkcs12(String)}, with a friendly name ("alias") on the key and certificate.
     *
     * @param passphrase the passphrase, or null for none
     * @param friendlyName the friendly name
     * @return As {@link #pkcs12(String)}, with a friendly name ("alias") on the key and certificate
     */
    public byte[] pkcs12(String passphrase, String friendlyName) {
        Objects.requireNonNull(friendlyName, "friendlyName");
        return Pkcs12.create(this, requirePassphrase(passphrase), friendlyName);
    }

    /**
     * The serial number.
     *
     * @return the certificate's serial number
     */
    public BigInteger serialNumber() {
        return serialNumber;
    }

    /**
     * The subject's common name (CN).
     *
     * @return the subject's common name (CN)
     */
    public String commonName() {
        return commonName;
    }

    /**
     * "RSA", "EC" or "Ed25519".
     *
     * @return "RSA", "EC" or "Ed25519"
     */
    public String keyType() {
        return keyType;
    }

    /**
     * Start of validity, to the second.
     *
     * @return Start of validity, to the second
     */
    public Instant notBefore() {
        return notBefore;
    }

    /**
     * End of validity, to the second.
     *
     * @return End of validity, to the second
     */
    public Instant notAfter() {
        return notAfter;
    }

    /**
     * True when built with {@link Builder#certificateAuthority(int)}.
     *
     * @return true when built with {@link Builder#certificateAuthority(int)}
     */
    public boolean isCertificateAuthority() {
        return certificateAuthority;
    }

    /** Equal when both the certificate and the private key are byte-for-byte the same. */
    @Override
    public boolean equals(Object o) {
        return o instanceof HeldCertificate other
                && java.util.Arrays.equals(certificateDer, other.certificateDer)
                && java.util.Arrays.equals(privateKeyDer, other.privateKeyDer);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(certificateDer);
    }

    @Override
    public String toString() {
        return "HeldCertificate[CN=" + commonName + ", " + keyType + ", serial=" + serialNumber.toString(16)
                + (issuer == null ? ", self-signed" : ", issuer CN=" + issuer.commonName)
                + (certificateAuthority ? ", CA" : "") + "]";
    }

    private void requireTraditionalForm() {
        if (keyType.equals("Ed25519")) {
            throw new UnsupportedOperationException(
                    "Ed25519 keys have no traditional (PKCS#1/SEC1) PEM form; use privateKeyPem()");
        }
    }

    private static String requirePassphrase(String passphrase) {
        Objects.requireNonNull(passphrase, "passphrase");
        if (passphrase.isEmpty()) {
            throw new IllegalArgumentException("passphrase is empty");
        }
        return passphrase;
    }

    /**
     * Collects what the certificate should say; {@link #build()} validates it, generates the
     * key pair and signs. Reusable: each {@code build()} makes a new key and serial number
     * (unless {@link #serialNumber} or {@link #keyOf} fix them).
     */
    public static final class Builder {
        private static final SecureRandom RANDOM = new SecureRandom();
        private static final Set<String> EXTENDED_KEY_USAGES = Set.of("serverAuth", "clientAuth",
                "codeSigning", "emailProtection", "timeStamping", "OCSPSigning", "ipsecIKE",
                "msCodeInd", "msCodeCom", "msCTLSign", "msEFS");
        private static final Pattern OID = Pattern.compile("[0-2](\\.(0|[1-9]\\d*))+");
        private static final Duration DEFAULT_DURATION = Duration.ofDays(365);
        private static final Duration BACKDATE = Duration.ofHours(1);

        private String commonName;
        private String organization;
        private String organizationalUnit;
        private String country;
        private String state;
        private String locality;
        private final List<String> subjectAltNames = new ArrayList<>();
        private KeySpec key = KeySpec.ec("prime256v1");
        private HeldCertificate reuseKeyOf;
        private Instant notBefore;
        private Instant notAfter;
        private Duration duration;
        private BigInteger serialNumber;
        private int maxIntermediates = -1;
        private final List<String> extendedKeyUsages = new ArrayList<>();
        private final List<String> ocspResponders = new ArrayList<>();
        private final List<String> caIssuers = new ArrayList<>();
        private final List<String> crlDistributionPoints = new ArrayList<>();
        private HeldCertificate issuer;

        private Builder() {}

        /**
         * The subject's common name (CN). Defaults to a random UUID, so that every subject is distinct.
         *
         * @param commonName the common name
         * @return this builder
         */
        public Builder commonName(String commonName) {
            this.commonName = nameValue("commonName", commonName, 64);
            return this;
        }

        /**
         * The subject's organization (O).
         *
         * @param organization the organization
         * @return this builder
         */
        public Builder organization(String organization) {
            this.organization = nameValue("organization", organization, 64);
            return this;
        }

        /**
         * The subject's organizational unit (OU).
         *
         * @param organizationalUnit the organizational unit
         * @return this builder
         */
        public Builder organizationalUnit(String organizationalUnit) {
            this.organizationalUnit = nameValue("organizationalUnit", organizationalUnit, 64);
            return this;
        }

        /**
         * The subject's two-letter ISO 3166 country code (C), e.g. "US".
         *
         * @param country the country
         * @return this builder
         */
        public Builder country(String country) {
            Objects.requireNonNull(country, "country");
            if (!country.matches("[A-Za-z]{2}")) {
                throw new IllegalArgumentException("country must be a two-letter ISO 3166 code: " + country);
            }
            this.country = country.toUpperCase(Locale.ROOT);
            return this;
        }

        /**
         * The subject's state or province (ST).
         *
         * @param state the state
         * @return this builder
         */
        public Builder state(String state) {
            this.state = nameValue("state", state, 128);
            return this;
        }

        /**
         * The subject's locality (L), usually a city.
         *
         * @param locality the locality
         * @return this builder
         */
        public Builder locality(String locality) {
            this.locality = nameValue("locality", locality, 128);
            return this;
        }

        /**
         * Adds a subjectAltName. A bare value is an IP address when it is an IPv4 or IPv6
         * literal and a DNS name otherwise ({@code "*.example.com"} wildcards included);
         * {@code "DNS:"}, {@code "IP:"}, {@code "email:"} and {@code "URI:"} prefixes say it
         * explicitly. Nothing is resolved.
         *
         * @param altName the alt name
         * @return this builder
         */
        public Builder addSubjectAltName(String altName) {
            subjectAltNames.add(SubjectAltNames.toOpenSsl(altName));
            return this;
        }

        /**
         * Adds each of {@code altNames} as by {@link #addSubjectAltName(String)}.
         *
         * @param altNames the alt names
         * @return this builder
         */
        public Builder addSubjectAltNames(String... altNames) {
            for (String altName : altNames) {
                addSubjectAltName(altName);
            }
            return this;
        }

        /**
         * An RSA key of {@code bits} bits (512..16384; 2048 is the usual size, 1024 and less fail OpenSSL's default security level).
         *
         * @param bits the bits
         * @return this builder
         */
        public Builder rsa(int bits) {
            this.key = KeySpec.rsa(bits);
            this.reuseKeyOf = null;
            return this;
        }

        /**
         * An EC key on the named curve ("prime256v1" = P-256, the default; "secp384r1"; "secp521r1").
         *
         * @param curve the curve
         * @return this builder
         */
        public Builder ec(String curve) {
            this.key = KeySpec.ec(curve);
            this.reuseKeyOf = null;
            return this;
        }

        /**
         * An Ed25519 key (RFC 8410); the certificate is signed with PureEdDSA when it signs itself.
         *
         * @return this builder
         */
        public Builder ed25519() {
            this.key = KeySpec.ed25519();
            this.reuseKeyOf = null;
            return this;
        }

        /**
         * Reuses the key pair of {@code other} instead of generating one (a renewed certificate, say).
         *
         * @param other the other
         * @return this builder
         */
        public Builder keyOf(HeldCertificate other) {
            this.reuseKeyOf = Objects.requireNonNull(other, "other");
            return this;
        }

        /**
         * Valid from {@code notBefore} to {@code notAfter} (seconds precision).
         *
         * @param notBefore the not before
         * @param notAfter the not after
         * @return this builder
         */
        public Builder validity(Instant notBefore, Instant notAfter) {
            Objects.requireNonNull(notBefore, "notBefore");
            Objects.requireNonNull(notAfter, "notAfter");
            if (!notBefore.isBefore(notAfter)) {
                throw new IllegalArgumentException("notBefore " + notBefore + " is not before notAfter " + notAfter);
            }
            this.notBefore = notBefore.truncatedTo(ChronoUnit.SECONDS);
            this.notAfter = notAfter.truncatedTo(ChronoUnit.SECONDS);
            this.duration = null;
            return this;
        }

        /**
         * Valid from one hour ago (clock skew) until {@code duration} from now (at build time).
         *
         * @param duration the duration
         * @return this builder
         */
        public Builder duration(Duration duration) {
            Objects.requireNonNull(duration, "duration");
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("duration must be positive: " + duration);
            }
            this.duration = duration;
            this.notBefore = null;
            this.notAfter = null;
            return this;
        }

        /**
         * Expired: valid from 30 days ago until yesterday.
         *
         * @return this builder
         */
        public Builder expired() {
            Instant now = Instant.now();
            return validity(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
        }

        /**
         * Not yet valid: valid from tomorrow for 30 days.
         *
         * @return this builder
         */
        public Builder notYetValid() {
            Instant now = Instant.now();
            return validity(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
        }

        /**
         * The serial number; positive, at most 20 bytes (RFC 5280). Defaults to 16 random bytes.
         *
         * @param serialNumber the serial number
         * @return this builder
         */
        public Builder serialNumber(BigInteger serialNumber) {
            Objects.requireNonNull(serialNumber, "serialNumber");
            if (serialNumber.signum() <= 0) {
                throw new IllegalArgumentException("serialNumber must be positive: " + serialNumber);
            }
            if (serialNumber.toByteArray().length > 20) {
                throw new IllegalArgumentException("serialNumber must fit in 20 bytes: " + serialNumber);
            }
            this.serialNumber = serialNumber;
            return this;
        }

        /**
         * As {@link #serialNumber(BigInteger)}.
         *
         * @param serialNumber the serial number
         * @return this builder
         */
        public Builder serialNumber(long serialNumber) {
            return serialNumber(BigInteger.valueOf(serialNumber));
        }

        /**
         * Makes this a certificate authority that may sign certificates, with at most
         * {@code maxIntermediates} CA certificates below it (0: it signs only leaves).
         *
         * @param maxIntermediates the max intermediates
         * @return this builder
         */
        public Builder certificateAuthority(int maxIntermediates) {
            if (maxIntermediates < 0) {
                throw new IllegalArgumentException("maxIntermediates must be >= 0: " + maxIntermediates);
            }
            this.maxIntermediates = maxIntermediates;
            return this;
        }

        /**
         * Extended key usages by OpenSSL name ("serverAuth", "clientAuth", "codeSigning",
         * "emailProtection", "timeStamping", "OCSPSigning", ...) or dotted OID. None by default,
         * which permits every use.
         *
         * @param usages the usages
         * @return this builder
         */
        public Builder extendedKeyUsage(String... usages) {
            for (String usage : usages) {
                if (usage == null || !(EXTENDED_KEY_USAGES.contains(usage) || OID.matcher(usage).matches())) {
                    throw new IllegalArgumentException("unknown extendedKeyUsage: " + usage
                            + " (use serverAuth, clientAuth, codeSigning, emailProtection, timeStamping,"
                            + " OCSPSigning or a dotted OID)");
                }
                if (!extendedKeyUsages.contains(usage)) {
                    extendedKeyUsages.add(usage);
                }
            }
            return this;
        }

        /**
         * Adds an OCSP responder URL to authorityInfoAccess (what Node's {@code requestOCSP} peers ask).
         *
         * @param url the url
         * @return this builder
         */
        public Builder ocspResponder(String url) {
            ocspResponders.add(url("ocspResponder", url));
            return this;
        }

        /**
         * Adds a caIssuers URL (where the issuer's certificate can be fetched) to authorityInfoAccess.
         *
         * @param url the url
         * @return this builder
         */
        public Builder caIssuers(String url) {
            caIssuers.add(url("caIssuers", url));
            return this;
        }

        /**
         * Adds a CRL distribution point URL (crlDistributionPoints).
         *
         * @param url the url
         * @return this builder
         */
        public Builder crlDistributionPoint(String url) {
            crlDistributionPoints.add(url("crlDistributionPoint", url));
            return this;
        }

        /**
         * Signs with {@code issuer}'s key, which should be a certificate authority. Default: self-signed.
         *
         * @param issuer the issuer
         * @return this builder
         */
        public Builder signedBy(HeldCertificate issuer) {
            this.issuer = Objects.requireNonNull(issuer, "issuer");
            return this;
        }

        /**
         * Generates the key pair (unless {@link #keyOf}) and makes and signs the certificate.
         *
         * @return the held certificate: generates the key pair (unless {@link #keyOf}) and makes and signs
         *         the certificate
         */
        public HeldCertificate build() {
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            Instant start = notBefore != null ? notBefore : now.minus(BACKDATE);
            Instant end = notAfter != null ? notAfter
                    : now.plus(duration != null ? duration : DEFAULT_DURATION);
            String cn = commonName != null ? commonName : java.util.UUID.randomUUID().toString();
            List<String[]> subject = new ArrayList<>();
            addEntry(subject, "C", country);
            addEntry(subject, "ST", state);
            addEntry(subject, "L", locality);
            addEntry(subject, "O", organization);
            addEntry(subject, "OU", organizationalUnit);
            addEntry(subject, "CN", cn);
            return CertificateSigner.sign(new CertificateSpec(List.copyOf(subject), cn,
                    List.copyOf(subjectAltNames), key, reuseKeyOf, start, end,
                    serialNumber != null ? serialNumber : randomSerial(), maxIntermediates,
                    List.copyOf(extendedKeyUsages), List.copyOf(ocspResponders), List.copyOf(caIssuers),
                    List.copyOf(crlDistributionPoints), issuer));
        }

        private static void addEntry(List<String[]> subject, String field, String value) {
            if (value != null) {
                subject.add(new String[] {field, value});
            }
        }

        /** 16 random bytes, top bit clear so the DER INTEGER stays 16 bytes and positive. */
        static BigInteger randomSerial() {
            byte[] bytes = new byte[16];
            BigInteger serial;
            do {
                RANDOM.nextBytes(bytes);
                bytes[0] &= 0x7f;
                serial = new BigInteger(1, bytes);
            } while (serial.signum() == 0);
            return serial;
        }

        private static String nameValue(String what, String value, int maxLength) {
            Objects.requireNonNull(value, what);
            if (value.isEmpty()) {
                throw new IllegalArgumentException(what + " is empty");
            }
            if (value.length() > maxLength) {
                throw new IllegalArgumentException(what + " is longer than " + maxLength + " characters: " + value);
            }
            if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException(what + " contains control characters");
            }
            return value;
        }

        private static String url(String what, String url) {
            Objects.requireNonNull(url, what);
            if (!url.matches("[A-Za-z][A-Za-z0-9+.-]*://[^\\s,]+")) {
                throw new IllegalArgumentException(what + " must be an absolute URL without spaces or commas: " + url);
            }
            return url;
        }
    }
}
