package io.jtls.error;

import io.jtls.x509.Certificate;

/**
 * The error {@link io.jtls.Tls#checkServerIdentity(String, io.jtls.x509.Certificate)} returns when a certificate
 * was not issued to the host: Node's {@code ERR_TLS_CERT_ALTNAME_INVALID}, with the same
 * {@code message} ({@code "Hostname/IP does not match certificate's altnames: " + reason}) and
 * the same extra fields {@code reason}, {@code host} and {@code cert}.
 */
public class CertificateIdentityException extends TlsException {
    /** Node's {@code code}. */
    public static final String CODE = "ERR_TLS_CERT_ALTNAME_INVALID";

    /** The reason. */
    private final String reason;
    /** The host. */
    private final String host;
    private final transient Certificate cert;

    /**
     * A new {@code CertificateIdentityException}.
     *
     * @param reason the reason
     * @param host the host name or address
     * @param cert the certificate chain
     */
    public CertificateIdentityException(String reason, String host, Certificate cert) {
        super(CODE, "Hostname/IP does not match certificate's altnames: " + reason);
        this.reason = reason;
        this.host = host;
        this.cert = cert;
    }

    /**
     * Node's {@code err.reason}: such as {@code "Host: example.org. is not in the cert's
     * altnames: DNS:example.com"} or {@code "IP: 10.0.0.1 is not in the cert's list: 127.0.0.1"}.
     *
     * @return Node's {@code err.reason}: such as {@code "Host: example.org. is not in the cert's altnames:
     *         DNS:example.com"} or {@code "IP: 10.0.0.1 is not in the cert's list: 127.0.0.1"}
     */
    public String reason() {
        return reason;
    }

    /**
     * Node's {@code err.host}: the host name checked, without a trailing dot.
     *
     * @return Node's {@code err.host}: the host name checked, without a trailing dot
     */
    public String host() {
        return host;
    }

    /**
     * Node's {@code err.cert}: the certificate object checked.
     *
     * @return Node's {@code err.cert}: the certificate object checked
     */
    public Certificate cert() {
        return cert;
    }
}
