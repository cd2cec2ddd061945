package io.jtls.error;

import java.util.Objects;

/**
 * The root of jtls's errors: every error carries the {@code code} string that Node.js gives
 * the same failure ({@code ERR_SSL_WRONG_VERSION_NUMBER}, {@code UNABLE_TO_VERIFY_LEAF_SIGNATURE},
 * {@code ERR_TLS_CERT_ALTNAME_INVALID}, {@code ECONNRESET}, ...), so programs written against
 * Node's {@code err.code} port line for line. Bad arguments are not in this family: see
 * {@link NodeError} for the hierarchy.
 */
public class TlsException extends RuntimeException implements NodeError {
    private final String code;

    public TlsException(String code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public TlsException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** Node's {@code err.code}. */
    @Override
    public String code() {
        return code;
    }

    /**
     * Node's {@code err.name}: {@code "Error"} (bad arguments are {@link TlsArgumentException}s,
     * Node's {@code TypeError}/{@code RangeError}).
     */
    @Override
    public String name() {
        return "Error";
    }

    @Override
    public String toString() {
        return getClass().getName() + " [" + code + "]: " + getMessage();
    }
}
