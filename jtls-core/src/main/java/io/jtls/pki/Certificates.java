package io.jtls.pki;

import io.jtls.internal.x509.CertificateReader;
import io.jtls.x509.Certificate;
import java.util.Objects;

/**
 * Reads certificates into Node's certificate object ({@link Certificate}), as
 * {@code new crypto.X509Certificate(pem).toLegacyObject()} does.
 */
public final class Certificates {
    private Certificates() {}

    /**
     * Reads the first certificate of a PEM text.
     *
     * @param pem the PEM text
     * @return the certificate: reads the first certificate of a PEM text
     * @throws io.jtls.error.OpenSslException with Node's code ({@code ERR_OSSL_PEM_NO_START_LINE}, ...) for
     *                                        bad input
     */
    public static Certificate fromPem(String pem) {
        return CertificateReader.fromPem(Objects.requireNonNull(pem, "pem"));
    }

    /**
     * Reads a DER-encoded certificate.
     *
     * @param der the DER bytes
     * @return the certificate: reads a DER-encoded certificate
     * @throws io.jtls.error.OpenSslException with Node's code ({@code ERR_OSSL_ASN1_...}) for bad input
     */
    public static Certificate fromDer(byte[] der) {
        return CertificateReader.fromDer(Objects.requireNonNull(der, "der"));
    }
}
