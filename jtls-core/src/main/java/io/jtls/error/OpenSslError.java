package io.jtls.error;

/**
 * One entry of OpenSSL's thread-local error queue, as {@code ERR_get_error_all} reports it.
 *
 * @param packedCode the packed {@code unsigned long} error code
 * @param library    {@code ERR_lib_error_string}, such as {@code "SSL routines"}; may be null
 * @param reason     {@code ERR_reason_error_string}, such as {@code "wrong version number"}; may be null
 * @param function   the C function that raised it, where OpenSSL recorded one; may be null
 * @param file       source file in OpenSSL; may be null
 * @param line       source line in OpenSSL
 * @param data       extra data OpenSSL attached; may be null
 */
public record OpenSslError(long packedCode, String library, String reason, String function,
                           String file, int line, String data) {

    /**
     * The one-line form Node puts in {@code err.message} and {@code opensslErrorStack}:
     * {@code error:0A00010B:SSL routines::wrong version number}. Like Node with OpenSSL 3, the
     * function field stays empty; {@link #function()} still has it.
     *
     * @return the one-line form Node puts in {@code err.message} and {@code opensslErrorStack}: {@code
     *         error:0A00010B:SSL routines::wrong version number}
     */
    public String text() {
        return String.format("error:%08X:%s::%s", packedCode,
                library == null ? "" : library,
                reason == null ? "reason(" + (packedCode & 0x7FFFFF) + ")" : reason);
    }

    @Override
    public String toString() {
        return data == null || data.isEmpty() ? text() : text() + ":" + data;
    }
}
