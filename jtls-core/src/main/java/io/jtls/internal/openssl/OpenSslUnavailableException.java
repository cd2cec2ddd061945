package io.jtls.internal.openssl;

/** OpenSSL 3 could not be loaded: missing, too old, or missing a required symbol. */
public final class OpenSslUnavailableException extends RuntimeException {
    public OpenSslUnavailableException(String message) {
        super(message);
    }

    public OpenSslUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
