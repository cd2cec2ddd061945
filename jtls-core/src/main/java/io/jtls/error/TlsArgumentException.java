package io.jtls.error;

import java.util.Objects;

/**
 * A bad argument, where Node throws a {@code TypeError} with a code
 * ({@code ERR_INVALID_ARG_VALUE}, {@code ERR_INVALID_ARG_TYPE},
 * {@code ERR_TLS_INVALID_PROTOCOL_VERSION}, {@code ERR_TLS_PROTOCOL_VERSION_CONFLICT},
 * {@code ERR_TLS_INVALID_PROTOCOL_METHOD}, ...): an {@link IllegalArgumentException} that keeps
 * Node's {@link #code()} and reports Node's {@link #name()}. Thrown where Node throws, before
 * anything was done; {@link TlsRangeException} is the {@code RangeError} kind.
 */
public class TlsArgumentException extends IllegalArgumentException implements NodeError {
    /** The code. */
    private final String code;

    /**
     * A new {@code TlsArgumentException}.
     *
     * @param code Node's error code
     * @param message the message
     */
    public TlsArgumentException(String code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    @Override
    public String code() {
        return code;
    }

    /** {@code "TypeError"}. */
    @Override
    public String name() {
        return "TypeError";
    }

    @Override
    public String toString() {
        return getClass().getName() + " [" + code + "]: " + getMessage();
    }
}
