package io.jtls.error;

import java.util.List;

/**
 * A failure reported by OpenSSL, with the error queue it left.
 *
 * <p>Like Node, the {@code code} is derived from the first error's reason string
 * ({@code "wrong version number"} from the SSL library becomes
 * {@code ERR_SSL_WRONG_VERSION_NUMBER}; other libraries give {@code ERR_OSSL_<LIB>_<REASON>}
 * or {@code ERR_OSSL_<REASON>}), and {@link #library()}, {@link #function()} and
 * {@link #reason()} repeat that error's parts; {@link #opensslErrorStack()} lists the rest of
 * the queue as Node's {@code err.opensslErrorStack} does.
 */
public class OpenSslException extends TlsException {
    /** The errors. */
    private final List<OpenSslError> errors;

    /**
     * A new {@code OpenSslException}.
     *
     * @param code Node's error code
     * @param message the message
     * @param errors the errors
     */
    public OpenSslException(String code, String message, List<OpenSslError> errors) {
        super(code, message);
        this.errors = List.copyOf(errors);
    }

    /**
     * The whole queue, oldest first; the first entry decides {@link #code()}.
     *
     * @return the whole queue, oldest first; the first entry decides {@link #code()}
     */
    public List<OpenSslError> errors() {
        return errors;
    }

    /**
     * Node's {@code err.library}: such as {@code "SSL routines"}; null when the queue was empty.
     *
     * @return Node's {@code err.library}: such as {@code "SSL routines"}; null when the queue was empty
     */
    public String library() {
        return errors.isEmpty() ? null : errors.getFirst().library();
    }

    /**
     * Node's {@code err.function}; often null with OpenSSL 3.
     *
     * @return Node's {@code err.function}; often null with OpenSSL 3
     */
    public String function() {
        return errors.isEmpty() ? null : errors.getFirst().function();
    }

    /**
     * Node's {@code err.reason}: such as {@code "wrong version number"}.
     *
     * @return Node's {@code err.reason}: such as {@code "wrong version number"}
     */
    public String reason() {
        return errors.isEmpty() ? null : errors.getFirst().reason();
    }

    /**
     * Node's {@code err.opensslErrorStack}: the text of the errors after the first.
     *
     * @return Node's {@code err.opensslErrorStack}: the text of the errors after the first
     */
    public List<String> opensslErrorStack() {
        return errors.stream().skip(1).map(OpenSslError::text).toList();
    }
}
