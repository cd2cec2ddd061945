package io.jtls.internal.engine;

import io.jtls.error.TlsException;
import io.jtls.internal.openssl.SslCalls;
import io.jtls.internal.openssl.Types;
import java.util.Map;

/**
 * OpenSSL's certificate verification results as Node names them: the {@code code} of
 * {@code tlsSocket.authorizationError} and of the error {@code rejectUnauthorized} raises.
 *
 * <p>The table is Node's {@code X509ErrorCode} ({@code src/crypto/crypto_common.cc}): each
 * {@code X509_V_ERR_<NAME>} it lists becomes {@code "<NAME>"}, and every other code becomes
 * {@code "UNSPECIFIED"}, exactly as Node reports it. The numbers are OpenSSL 3's
 * ({@code <openssl/x509_vfy.h>}; note {@code INVALID_CA} is 79 there, no longer 24).
 */
public final class VerifyErrors {
    private VerifyErrors() {}

    /** {@code # define X509_V_OK 0} */
    public static final int X509_V_OK = 0;
    /** {@code # define X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT 2}: also Node's answer when there is no peer certificate. */
    public static final int X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT = 2;

    private static final Map<Integer, String> NODE_NAMES = Map.ofEntries(
            Map.entry(2, "UNABLE_TO_GET_ISSUER_CERT"),
            Map.entry(3, "UNABLE_TO_GET_CRL"),
            Map.entry(4, "UNABLE_TO_DECRYPT_CERT_SIGNATURE"),
            Map.entry(5, "UNABLE_TO_DECRYPT_CRL_SIGNATURE"),
            Map.entry(6, "UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY"),
            Map.entry(7, "CERT_SIGNATURE_FAILURE"),
            Map.entry(8, "CRL_SIGNATURE_FAILURE"),
            Map.entry(9, "CERT_NOT_YET_VALID"),
            Map.entry(10, "CERT_HAS_EXPIRED"),
            Map.entry(11, "CRL_NOT_YET_VALID"),
            Map.entry(12, "CRL_HAS_EXPIRED"),
            Map.entry(13, "ERROR_IN_CERT_NOT_BEFORE_FIELD"),
            Map.entry(14, "ERROR_IN_CERT_NOT_AFTER_FIELD"),
            Map.entry(15, "ERROR_IN_CRL_LAST_UPDATE_FIELD"),
            Map.entry(16, "ERROR_IN_CRL_NEXT_UPDATE_FIELD"),
            Map.entry(17, "OUT_OF_MEM"),
            Map.entry(18, "DEPTH_ZERO_SELF_SIGNED_CERT"),
            Map.entry(19, "SELF_SIGNED_CERT_IN_CHAIN"),
            Map.entry(20, "UNABLE_TO_GET_ISSUER_CERT_LOCALLY"),
            Map.entry(21, "UNABLE_TO_VERIFY_LEAF_SIGNATURE"),
            Map.entry(22, "CERT_CHAIN_TOO_LONG"),
            Map.entry(23, "CERT_REVOKED"),
            Map.entry(79, "INVALID_CA"),
            Map.entry(25, "PATH_LENGTH_EXCEEDED"),
            Map.entry(26, "INVALID_PURPOSE"),
            Map.entry(27, "CERT_UNTRUSTED"),
            Map.entry(28, "CERT_REJECTED"),
            Map.entry(62, "HOSTNAME_MISMATCH"));

    /** Node's code for a verification result: {@code "CERT_HAS_EXPIRED"}, ..., or {@code "UNSPECIFIED"}; null for {@code X509_V_OK}. */
    public static String nodeCode(long verifyResult) {
        if (verifyResult == X509_V_OK) {
            return null;
        }
        return NODE_NAMES.getOrDefault((int) verifyResult, "UNSPECIFIED");
    }

    /** OpenSSL's text for a verification result ({@code X509_verify_cert_error_string}), such as "certificate has expired". */
    public static String reason(long verifyResult) {
        return Types.cString(SslCalls.X509_verify_cert_error_string(verifyResult));
    }

    /**
     * The error Node's {@code ssl.verifyError()} returns: message OpenSSL's reason, code the
     * name from the table; null when verification passed.
     */
    public static TlsException error(long verifyResult) {
        String code = nodeCode(verifyResult);
        return code == null ? null : new TlsException(code, reason(verifyResult));
    }
}
