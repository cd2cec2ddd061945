package io.jtls.internal.openssl;

/** What OpenSSL jtls runs on. */
public final class OpenSsl {
    private OpenSsl() {}

    /** {@code OpenSSL_version_num()}, such as {@code 0x30000130} for 3.0.19. */
    public static long versionNumber() {
        return CryptoCalls.OpenSSL_version_num();
    }

    /** {@code OpenSSL_version(OPENSSL_VERSION)}, such as "OpenSSL 3.0.19 27 Jan 2026". */
    public static String versionText() {
        return Types.cString(CryptoCalls.OpenSSL_version(CryptoCalls.OPENSSL_VERSION));
    }

    /** {@code OpenSSL_version(OPENSSL_VERSION_STRING)}, such as "3.0.19": Node's {@code process.versions.openssl}. */
    public static String version() {
        return Types.cString(CryptoCalls.OpenSSL_version(CryptoCalls.OPENSSL_VERSION_STRING));
    }
}
