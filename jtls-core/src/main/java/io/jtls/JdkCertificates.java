package io.jtls;

import io.jtls.x509.Certificate;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/** jtls certificates as the JDK's, parsed from their DER by the JDK's own X.509 factory. */
final class JdkCertificates {
    private JdkCertificates() {}

    /** {@code certificate} as an {@link X509Certificate}; null for null. */
    static X509Certificate of(Certificate certificate) {
        byte[] der = certificate == null ? null : certificate.raw();
        if (der == null) {
            return null;
        }
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            // OpenSSL parsed these bytes; the JDK refusing them is worth an exception, not a silent null.
            throw new IllegalStateException("the JDK cannot parse a certificate OpenSSL accepted: " + e.getMessage(), e);
        }
    }
}
