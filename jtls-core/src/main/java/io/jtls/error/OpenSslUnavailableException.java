package io.jtls.error;

/**
 * OpenSSL 3 could not be loaded: missing, older than 3.0, or missing a required symbol.
 *
 * <p>Every call that needs OpenSSL throws this, with the same message, for as long as the JVM
 * runs (loading is tried once per process). {@link io.jtls.Tls#isAvailable()} asks without
 * throwing. The code is Node's {@code ERR_NO_CRYPTO}, what Node raises when it was built
 * without OpenSSL.
 */
public final class OpenSslUnavailableException extends TlsException {
    /** Node's code for "no OpenSSL". */
    public static final String CODE = "ERR_NO_CRYPTO";

    /**
     * A new {@code OpenSslUnavailableException}.
     *
     * @param message the message
     */
    public OpenSslUnavailableException(String message) {
        super(CODE, message);
    }

    /**
     * A new {@code OpenSslUnavailableException}.
     *
     * @param message the message
     * @param cause the cause
     */
    public OpenSslUnavailableException(String message, Throwable cause) {
        super(CODE, message, cause);
    }
}
