package io.jtls.pki;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Signing a certificate signing request (CSR, PKCS#10) with a {@link HeldCertificate} that is a
 * certificate authority: what {@code openssl x509 -req -CA ca.pem -CAkey ca-key.pem} does, on the
 * system's OpenSSL. The requester keeps its private key; the certificate gets the request's
 * subject and public key (once the request's signature verified with that key) and a leaf
 * profile like {@link HeldCertificate}'s: the subjectAltNames and extended key usages given here
 * (the request's own extensions are not copied, as {@code openssl x509 -req} does by default).
 *
 * <pre>{@code
 * String certificatePem = CertificateRequest.sign(Files.readString(Path.of("app.csr")), ca,
 *         Duration.ofDays(90), List.of("app.internal", "10.0.0.7"), List.of("serverAuth"));
 * }</pre>
 */
public final class CertificateRequest {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN (NEW )?CERTIFICATE REQUEST-----\\s*([A-Za-z0-9+/=\\s]*?)-----END (NEW )?CERTIFICATE REQUEST-----");

    private CertificateRequest() {}

    /**
     * Signs {@code requestPem} with {@code issuer}.
     *
     * @param requestPem         a PEM {@code CERTIFICATE REQUEST} (or {@code NEW CERTIFICATE REQUEST})
     * @param issuer             the certificate authority that signs
     * @param validity           from one hour ago (clock skew, as {@link HeldCertificate.Builder#duration})
     *                           until this long from now
     * @param subjectAltNames    DNS names and IP addresses, as {@link HeldCertificate.Builder#addSubjectAltName}
     * @param extendedKeyUsages  such as {@code serverAuth}, {@code clientAuth}; may be empty
     * @return the certificate, PEM
     * @throws IllegalArgumentException when the request cannot be read or its signature does not
     *         verify, the issuer is not a certificate authority, or a name is not acceptable
     */
    public static String sign(String requestPem, HeldCertificate issuer, Duration validity,
                              List<String> subjectAltNames, List<String> extendedKeyUsages) {
        Objects.requireNonNull(issuer, "issuer");
        if (!issuer.isCertificateAuthority()) {
            throw new IllegalArgumentException("the issuer is not a certificate authority: " + issuer);
        }
        if (validity == null || validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive: " + validity);
        }
        List<String> names = new ArrayList<>();
        for (String name : subjectAltNames) {
            names.add(SubjectAltNames.toOpenSsl(name));
        }
        for (String usage : extendedKeyUsages) {
            if (!usage.matches("[A-Za-z][A-Za-z0-9.]*")) {
                throw new IllegalArgumentException("not an extended key usage: " + usage);
            }
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        CertificateSpec spec = new CertificateSpec(List.of(), null, List.copyOf(names), null, null,
                now.minus(Duration.ofHours(1)), now.plus(validity), HeldCertificate.Builder.randomSerial(), -1,
                List.copyOf(extendedKeyUsages), List.of(), List.of(), List.of(), issuer);
        return Pem.encode("CERTIFICATE", CertificateSigner.signRequest(der(requestPem), spec));
    }

    private static byte[] der(String pem) {
        Matcher m = BLOCK.matcher(Objects.requireNonNull(pem, "requestPem"));
        if (!m.find()) {
            throw new IllegalArgumentException("no CERTIFICATE REQUEST PEM block");
        }
        try {
            return Base64.getMimeDecoder().decode(m.group(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad base64 in the CERTIFICATE REQUEST block", e);
        }
    }
}
