package io.jtls.error;

/**
 * A number out of range, where Node throws a {@code RangeError} ({@code ERR_OUT_OF_RANGE},
 * {@code ERR_SOCKET_BAD_PORT}, ...): a {@link TlsArgumentException} whose {@link #name()} is
 * {@code "RangeError"}.
 */
public class TlsRangeException extends TlsArgumentException {
    /**
     * A new {@code TlsRangeException}.
     *
     * @param code Node's error code
     * @param message the message
     */
    public TlsRangeException(String code, String message) {
        super(code, message);
    }

    /** {@code "RangeError"}. */
    @Override
    public String name() {
        return "RangeError";
    }
}
