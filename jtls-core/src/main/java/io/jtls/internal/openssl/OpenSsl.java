package io.jtls.internal.openssl;

import io.jtls.error.OpenSslUnavailableException;

/**
 * What OpenSSL jtls runs on. {@code java -cp jtls-core.jar io.jtls.internal.openssl.OpenSsl}
 * prints it, or why it could not be loaded (exit status 1).
 */
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

    public static void main(String[] args) {
        try {
            System.out.println(versionText() + String.format(" (0x%08x)", versionNumber()));
        } catch (OpenSslUnavailableException e) {
            System.out.println(e.getMessage());
            System.exit(1);
        }
    }
}
