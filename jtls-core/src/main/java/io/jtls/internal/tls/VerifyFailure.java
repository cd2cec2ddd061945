package io.jtls.internal.tls;

import io.jtls.error.TlsException;
import io.jtls.x509.Certificate;
import java.time.Instant;

/**
 * A failed verification of the peer's certificate, told with what an operator needs to act:
 * Node's code and message unchanged at the start, then the peer's address and the certificate
 * concerned ({@code certificate has expired; peer 127.0.0.1:8443, certificate "CN=localhost"
 * expired at 2024-01-01T00:00:00Z (valid from 2023-01-01T00:00:00Z)}). For an expiry the
 * certificate named is the one of the chain that is out of date, not always the leaf.
 */
final class VerifyFailure {
    private VerifyFailure() {}

    /**
     * The error with the peer and certificate after Node's message; {@code error} itself when it
     * is not a plain verification error (a host name mismatch already names the names).
     *
     * @param chain the peer's certificate with its issuer links ({@code getPeerCertificate(true)}), or null
     * @param peer  {@code address:port}, or null when unknown
     */
    static TlsException describe(TlsException error, Certificate chain, String peer, Instant now) {
        if (error == null || error.getClass() != TlsException.class) {
            return error;
        }
        StringBuilder text = new StringBuilder(error.getMessage()).append(';');
        if (peer != null) {
            text.append(" peer ").append(peer).append(chain == null ? "" : ",");
        }
        if (chain == null) {
            text.append(" no certificate");
        } else {
            text.append(' ').append(certificate(error.code(), chain, now));
        }
        TlsException out = new TlsException(error.code(), text.toString(), error.getCause());
        out.setStackTrace(error.getStackTrace());
        return out;
    }

    private static String certificate(String code, Certificate leaf, Instant now) {
        if (code.equals("CERT_HAS_EXPIRED") || code.equals("CERT_NOT_YET_VALID")) {
            boolean expired = code.equals("CERT_HAS_EXPIRED");
            for (Certificate c = leaf; c != null; c = c.issuerCertificate() == c ? null : c.issuerCertificate()) {
                Instant from = c.validFromDate();
                Instant to = c.validToDate();
                if (expired && to != null && to.isBefore(now)) {
                    return "certificate \"" + c.subject() + "\" expired at " + to + " (valid from " + from + ")";
                }
                if (!expired && from != null && from.isAfter(now)) {
                    return "certificate \"" + c.subject() + "\" is not valid before " + from + " (valid to " + to + ")";
                }
            }
        }
        return "certificate \"" + leaf.subject() + "\" issued by \"" + leaf.issuer() + "\"";
    }
}
