package io.jtls.error;

/**
 * What every jtls error shows of Node's error object: {@link #code()} ({@code err.code}) and
 * {@link #name()} ({@code err.name}: {@code "Error"}, {@code "TypeError"}, {@code "RangeError"}).
 *
 * <p>The hierarchy: failures of the connection, of OpenSSL and of the transport are
 * {@link TlsException}s (name {@code Error}); what Node throws as a {@code TypeError} or
 * {@code RangeError} for a bad argument is a {@link TlsArgumentException} (name
 * {@code TypeError}) or its subclass {@link TlsRangeException} ({@code RangeError}), which are
 * {@link IllegalArgumentException}s, so Java callers catch what Java code throws for a bad
 * argument. Both kinds implement this interface: {@code catch (TlsException | TlsArgumentException e)}
 * or {@code e instanceof NodeError n} reach the code of either.
 */
public interface NodeError {
    /**
     * Node's {@code err.code}, such as {@code ERR_INVALID_ARG_VALUE} or {@code ECONNRESET}.
     *
     * @return Node's {@code err.code}, such as {@code ERR_INVALID_ARG_VALUE} or {@code ECONNRESET}
     */
    String code();

    /**
     * Node's {@code err.name}.
     *
     * @return Node's {@code err.name}
     */
    String name();
}
