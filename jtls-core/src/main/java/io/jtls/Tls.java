package io.jtls;

/**
 * The entry point, as Node's {@code require('node:tls')}: factory functions and constants.
 *
 * <p>Each static method here has the name and overloads of the Node function it mirrors and
 * delegates to the class that owns the behaviour.
 */
public final class Tls {
    private Tls() {}

    /**
     * Node's {@code tls.CLIENT_RENEG_LIMIT}: client-initiated renegotiations allowed within
     * {@link #CLIENT_RENEG_WINDOW} seconds before the socket errors with
     * {@code ERR_TLS_SESSION_ATTACK}.
     */
    public static final int CLIENT_RENEG_LIMIT = 3;

    /** Node's {@code tls.CLIENT_RENEG_WINDOW}: the renegotiation window, in seconds. */
    public static final int CLIENT_RENEG_WINDOW = 600;

    /** Node's {@code tls.DEFAULT_ECDH_CURVE}: {@code "auto"}, OpenSSL's own choice of groups. */
    public static final String DEFAULT_ECDH_CURVE = "auto";

    /** Node's {@code tls.DEFAULT_MIN_VERSION}: the default {@code minVersion}. */
    public static final String DEFAULT_MIN_VERSION = "TLSv1.2";

    /** Node's {@code tls.DEFAULT_MAX_VERSION}: the default {@code maxVersion}. */
    public static final String DEFAULT_MAX_VERSION = "TLSv1.3";

    /**
     * Node's {@code tls.checkServerIdentity(hostname, cert)}: verifies that {@code cert} was
     * issued to {@code hostname} (a host name or an IP address), by Node's rules (see
     * {@link ServerIdentity}). Only the subject's {@code CN} and {@code subjectaltname} are
     * read, so a certificate made with {@link Certificate#builder()} works too.
     *
     * @return null when it was (Node's {@code undefined}), else the error Node returns, with
     *         code {@code ERR_TLS_CERT_ALTNAME_INVALID} and {@code reason}, {@code host}, {@code cert}
     * @throws TlsException {@code ERR_TLS_CERT_ALTNAME_FORMAT} for a malformed escaped
     *         {@code subjectaltname}, as Node throws
     */
    public static CertificateIdentityException checkServerIdentity(String hostname, Certificate cert) {
        return ServerIdentity.check(hostname, cert);
    }
}
