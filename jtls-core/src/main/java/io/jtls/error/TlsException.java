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
    /** The code. */
    private final String code;
    /** The name. */
    private final String name;

    /**
     * A new {@code TlsException}.
     *
     * @param code Node's error code
     * @param message the message
     */
    public TlsException(String code, String message) {
        this(code, message, null, "Error");
    }

    /**
     * A new {@code TlsException}.
     *
     * @param code Node's error code
     * @param message the message
     * @param cause the cause
     */
    public TlsException(String code, String message, Throwable cause) {
        this(code, message, cause, "Error");
    }

    /**
     * An error Node raises with another {@code err.name} that is not about an argument (Node's
     * {@code ERR_TLS_CERT_ALTNAME_FORMAT} is a {@code SyntaxError}).
     *
     * @param code Node's error code
     * @param message the message
     * @param cause the cause
     * @param name the name
     */
    protected TlsException(String code, String message, Throwable cause, String name) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * {@link #TlsException(String, String, Throwable, String)}: a {@code SyntaxError}.
     *
     * @param code Node's error code
     * @param message the message
     * @return {@link #TlsException(String, String, Throwable, String)}: a {@code SyntaxError}
     */
    public static TlsException syntaxError(String code, String message) {
        return new TlsException(code, message, null, "SyntaxError");
    }

    /** Node's {@code err.code}. */
    @Override
    public String code() {
        return code;
    }

    /**
     * Node's {@code err.name}: {@code "Error"}, or {@code "SyntaxError"} for
     * {@code ERR_TLS_CERT_ALTNAME_FORMAT} (bad arguments are {@link TlsArgumentException}s,
     * Node's {@code TypeError}/{@code RangeError}).
     */
    @Override
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return getClass().getName() + " [" + code + "]: " + getMessage();
    }
}
