package io.jtls.blocking;

import io.jtls.error.NodeError;
import java.io.IOException;

/**
 * A connection failure seen through a blocking stream: the {@link IOException} that
 * {@link java.io.InputStream} and {@link java.io.OutputStream} callers expect, carrying the error
 * the connection emitted (usually an {@link io.jtls.error.TlsException} or a
 * {@link io.jtls.net.NetException}) as its cause.
 */
public class TlsIOException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * A new {@code TlsIOException}.
     *
     * @param message the message
     * @param cause the cause
     */
    public TlsIOException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Node's {@code err.code} of the cause ({@code ECONNRESET}, {@code ERR_SSL_...}), or null if it has none.
     *
     * @return Node's {@code err.code} of the cause ({@code ECONNRESET}, {@code ERR_SSL_...}), or null if it
     *         has none
     */
    public String code() {
        return getCause() instanceof NodeError n ? n.code() : null;
    }

    /** Wraps the error a stream emitted, keeping its message (and so its code) in view. */
    static TlsIOException of(Throwable error) {
        String code = error instanceof NodeError n ? n.code() : null;
        String message = error.getMessage() == null ? error.toString() : error.getMessage();
        if (code != null && !message.contains(code)) message = code + ": " + message;
        return new TlsIOException(message, error);
    }
}
