package io.jtls.internal.context;

import io.jtls.context.Constants;

/**
 * The defaults a context uses for options left out: Node's {@code tls.DEFAULT_*} values, which
 * {@code Tls} publishes. Kept here so that the context builder needs nothing above it.
 */
public final class Defaults {
    private Defaults() {}

    /** Node's {@code tls.DEFAULT_ECDH_CURVE}. */
    public static final String ECDH_CURVE = "auto";
    /** Node's {@code tls.DEFAULT_MIN_VERSION}. */
    public static final String MIN_VERSION = "TLSv1.2";
    /** Node's {@code tls.DEFAULT_MAX_VERSION}. */
    public static final String MAX_VERSION = "TLSv1.3";
    /** Node's {@code tls.DEFAULT_CIPHERS} ({@link Constants#defaultCipherList}). */
    public static final String CIPHERS = Constants.defaultCipherList;
}
