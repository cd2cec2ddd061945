package io.jtls.internal.openssl;

import io.jtls.error.OpenSslError;
import io.jtls.error.OpenSslException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The discipline around OpenSSL's thread-local error queue: {@link #clear()} before each call
 * whose failure we check, {@link #drain()} right after a failure (before any user code can run
 * and touch the queue), and {@link #exception} to turn what was drained into the error Node
 * would raise.
 */
public final class ErrorQueue {
    private ErrorQueue() {}

    /**
     * Library names that Node puts into codes (its {@code OSSL_ERROR_CODES_MAP} in
     * {@code src/crypto/crypto_util.cc}): an error of such a library gets
     * {@code ERR_OSSL_<LIB>_<REASON>}, SSL errors {@code ERR_SSL_<REASON>}, and any other
     * library (the providers, for one) plain {@code ERR_OSSL_<REASON>}.
     */
    private static final Map<Integer, String> NODE_LIBRARY_NAMES = Map.ofEntries(
            Map.entry(2, "SYS"), Map.entry(3, "BN"), Map.entry(4, "RSA"), Map.entry(5, "DH"),
            Map.entry(6, "EVP"), Map.entry(7, "BUF"), Map.entry(8, "OBJ"), Map.entry(9, "PEM"),
            Map.entry(10, "DSA"), Map.entry(11, "X509"), Map.entry(13, "ASN1"), Map.entry(14, "CONF"),
            Map.entry(15, "CRYPTO"), Map.entry(16, "EC"), Map.entry(20, "SSL"), Map.entry(32, "BIO"),
            Map.entry(33, "PKCS7"), Map.entry(34, "X509V3"), Map.entry(35, "PKCS12"), Map.entry(36, "RAND"),
            Map.entry(37, "DSO"), Map.entry(38, "ENGINE"), Map.entry(39, "OCSP"), Map.entry(40, "UI"),
            Map.entry(41, "COMP"), Map.entry(42, "ECDSA"), Map.entry(43, "ECDH"), Map.entry(44, "OSSL_STORE"),
            Map.entry(45, "FIPS"), Map.entry(46, "CMS"), Map.entry(47, "TS"), Map.entry(48, "HMAC"),
            Map.entry(50, "CT"), Map.entry(51, "ASYNC"), Map.entry(52, "KDF"), Map.entry(53, "SM2"),
            Map.entry(128, "USER"));

    /** Empties this thread's queue: call before a call whose failure will be checked. */
    public static void clear() {
        ErrCalls.ERR_clear_error();
    }

    /** True when this thread's queue holds an error. */
    public static boolean hasError() {
        return ErrCalls.ERR_peek_error() != 0;
    }

    /** Removes and returns every error on this thread's queue, oldest first. */
    public static List<OpenSslError> drain() {
        List<OpenSslError> errors = new ArrayList<>(2);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment file = arena.allocate(ValueLayout.ADDRESS);
            MemorySegment line = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment func = arena.allocate(ValueLayout.ADDRESS);
            MemorySegment data = arena.allocate(ValueLayout.ADDRESS);
            MemorySegment flags = arena.allocate(ValueLayout.JAVA_INT);
            long code;
            while ((code = ErrCalls.ERR_get_error_all(file, line, func, data, flags)) != 0) {
                // ERR_TXT_STRING (0x02): data is text we may print.
                boolean text = (flags.get(ValueLayout.JAVA_INT, 0) & 0x02) != 0;
                String function = Types.cString(func.get(ValueLayout.ADDRESS, 0));
                errors.add(new OpenSslError(code,
                        Types.cString(ErrCalls.ERR_lib_error_string(code)),
                        Types.cString(ErrCalls.ERR_reason_error_string(code)),
                        function == null || function.isEmpty() ? null : function,
                        Types.cString(file.get(ValueLayout.ADDRESS, 0)),
                        line.get(ValueLayout.JAVA_INT, 0),
                        text ? Types.cString(data.get(ValueLayout.ADDRESS, 0)) : null));
            }
        }
        return errors;
    }

    /**
     * Drains the queue into the exception Node would raise. When the queue is empty (a failure
     * OpenSSL did not explain), the code is {@code fallbackCode} and the message says which
     * call failed.
     */
    public static OpenSslException exception(String failedCall, String fallbackCode) {
        return exception(drain(), failedCall, fallbackCode);
    }

    /** As {@link #exception(String, String)}, for errors drained earlier. */
    public static OpenSslException exception(List<OpenSslError> errors, String failedCall, String fallbackCode) {
        if (errors.isEmpty()) {
            return new OpenSslException(fallbackCode, failedCall + " failed", errors);
        }
        OpenSslError first = errors.getFirst();
        return new OpenSslException(nodeCode(first), first.text(), errors);
    }

    /**
     * As {@link #exception(List, String, String)}, for a failure of a TLS connection (handshake,
     * read, write): Node's {@code TLSWrap::GetSSLError} names it {@code ERR_SSL_<REASON>} whatever
     * library the error came from (a provider's {@code cipher operation failed} when a record does
     * not decrypt is {@code ERR_SSL_CIPHER_OPERATION_FAILED}).
     */
    public static OpenSslException connectionException(List<OpenSslError> errors, String failedCall, String fallbackCode) {
        if (errors.isEmpty() || errors.getFirst().reason() == null) {
            return exception(errors, failedCall, fallbackCode);
        }
        OpenSslError first = errors.getFirst();
        return new OpenSslException("ERR_SSL_" + first.reason().toUpperCase(Locale.ROOT).replace(' ', '_'), first.text(), errors);
    }

    /**
     * Node's code for one OpenSSL error: the reason string upper-cased with spaces as
     * underscores, prefixed by {@code ERR_SSL_} for SSL errors, {@code ERR_OSSL_<LIB>_} for the
     * libraries Node knows, and {@code ERR_OSSL_} otherwise.
     */
    public static String nodeCode(OpenSslError error) {
        String reason = error.reason();
        if (reason == null) {
            return "ERR_OSSL_REASON_" + ErrCalls.ERR_GET_REASON(error.packedCode());
        }
        String upper = reason.toUpperCase(Locale.ROOT).replace(' ', '_');
        String lib = NODE_LIBRARY_NAMES.get(ErrCalls.ERR_GET_LIB(error.packedCode()));
        if ("SSL".equals(lib)) {
            return "ERR_SSL_" + upper;
        }
        return lib == null ? "ERR_OSSL_" + upper : "ERR_OSSL_" + lib + "_" + upper;
    }
}
