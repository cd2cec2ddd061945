/**
 * Certificates as Node's {@code getPeerCertificate()} describes them:
 * {@link io.jtls.x509.Certificate} (subject, issuer, validity, fingerprints, public key
 * details, the issuer chain when asked for) and {@link io.jtls.x509.DistinguishedName}.
 * Plain values parsed once by OpenSSL; the DER is kept ({@code raw()}) for anything else,
 * such as the JDK's {@code CertificateFactory}.
 */
package io.jtls.x509;
