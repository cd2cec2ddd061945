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
}
