package io.jtls.pki;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;

/**
 * Everything {@link CertificateSigner} needs to make one certificate, validated and with every
 * default applied by {@link HeldCertificate.Builder#build()}.
 *
 * @param subject          name entries in order, each {@code {field, value}} ("C", "US")
 * @param subjectAltNames  in OpenSSL syntax ({@code DNS:x}, {@code IP:x}, ...)
 * @param maxIntermediates -1 for a leaf, else the CA's pathlen
 * @param issuer           null for self-signed
 */
record CertificateSpec(
        List<String[]> subject,
        String commonName,
        List<String> subjectAltNames,
        KeySpec key,
        HeldCertificate reuseKeyOf,
        Instant notBefore,
        Instant notAfter,
        BigInteger serialNumber,
        int maxIntermediates,
        List<String> extendedKeyUsages,
        List<String> ocspResponders,
        List<String> caIssuers,
        List<String> crlDistributionPoints,
        HeldCertificate issuer) {

    boolean isCertificateAuthority() {
        return maxIntermediates >= 0;
    }
}
