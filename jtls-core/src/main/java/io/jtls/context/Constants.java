package io.jtls.context;

/**
 * The TLS part of Node's {@code crypto.constants} (also {@code require('constants')}): the
 * {@code SSL_OP_*} bits for {@link SecureContextOptions#secureOptions()}, the protocol version
 * numbers, and the engine method flags. Values are OpenSSL 3's ({@code <openssl/ssl.h>}), which
 * is what Node 20 reports on the same OpenSSL; options that OpenSSL 3 retired are 0, as there.
 */
public final class Constants {
    private Constants() {}

    /** {@code SSL_OP_ALL}: the bug workarounds OpenSSL considers safe ({@code 0x80000850}). */
    public static final long SSL_OP_ALL = 0x80000850L;
    /** {@code SSL_OP_ALLOW_NO_DHE_KEX}: TLS 1.3 resumption without (EC)DHE. */
    public static final long SSL_OP_ALLOW_NO_DHE_KEX = 1L << 10;
    /** {@code SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION} */
    public static final long SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION = 1L << 18;
    /** {@code SSL_OP_CIPHER_SERVER_PREFERENCE}: the server's cipher order wins ({@code honorCipherOrder}). */
    public static final long SSL_OP_CIPHER_SERVER_PREFERENCE = 1L << 22;
    /** {@code SSL_OP_CISCO_ANYCONNECT} */
    public static final long SSL_OP_CISCO_ANYCONNECT = 1L << 15;
    /** {@code SSL_OP_COOKIE_EXCHANGE} (DTLS) */
    public static final long SSL_OP_COOKIE_EXCHANGE = 1L << 13;
    /** {@code SSL_OP_CRYPTOPRO_TLSEXT_BUG} */
    public static final long SSL_OP_CRYPTOPRO_TLSEXT_BUG = 1L << 31;
    /** {@code SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS} */
    public static final long SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS = 1L << 11;
    /** {@code SSL_OP_LEGACY_SERVER_CONNECT} */
    public static final long SSL_OP_LEGACY_SERVER_CONNECT = 1L << 2;
    /** {@code SSL_OP_NO_COMPRESSION} (on by default in OpenSSL 3) */
    public static final long SSL_OP_NO_COMPRESSION = 1L << 17;
    /** {@code SSL_OP_NO_ENCRYPT_THEN_MAC} */
    public static final long SSL_OP_NO_ENCRYPT_THEN_MAC = 1L << 19;
    /** {@code SSL_OP_NO_QUERY_MTU} (DTLS) */
    public static final long SSL_OP_NO_QUERY_MTU = 1L << 12;
    /** {@code SSL_OP_NO_RENEGOTIATION} */
    public static final long SSL_OP_NO_RENEGOTIATION = 1L << 30;
    /** {@code SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION} */
    public static final long SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION = 1L << 16;
    /** {@code SSL_OP_NO_SSLv2}: 0, SSLv2 is gone from OpenSSL. */
    public static final long SSL_OP_NO_SSLv2 = 0L;
    /** {@code SSL_OP_NO_SSLv3} (always set by jtls and Node) */
    public static final long SSL_OP_NO_SSLv3 = 1L << 25;
    /** {@code SSL_OP_NO_TICKET}: no session tickets (servers then resume by session id only). */
    public static final long SSL_OP_NO_TICKET = 1L << 14;
    /** {@code SSL_OP_NO_TLSv1} */
    public static final long SSL_OP_NO_TLSv1 = 1L << 26;
    /** {@code SSL_OP_NO_TLSv1_1} */
    public static final long SSL_OP_NO_TLSv1_1 = 1L << 28;
    /** {@code SSL_OP_NO_TLSv1_2} */
    public static final long SSL_OP_NO_TLSv1_2 = 1L << 27;
    /** {@code SSL_OP_NO_TLSv1_3} */
    public static final long SSL_OP_NO_TLSv1_3 = 1L << 29;
    /** {@code SSL_OP_PRIORITIZE_CHACHA} */
    public static final long SSL_OP_PRIORITIZE_CHACHA = 1L << 21;
    /** {@code SSL_OP_TLS_ROLLBACK_BUG} */
    public static final long SSL_OP_TLS_ROLLBACK_BUG = 1L << 23;

    // Not in Node's crypto.constants, but OpenSSL 3 options that jtls sets or users ask for.

    /** {@code SSL_OP_ALLOW_CLIENT_RENEGOTIATION}: set on every context, as Node does with OpenSSL 3. */
    public static final long SSL_OP_ALLOW_CLIENT_RENEGOTIATION = 1L << 8;
    /** {@code SSL_OP_IGNORE_UNEXPECTED_EOF}: treat a TCP close without close_notify as EOF. */
    public static final long SSL_OP_IGNORE_UNEXPECTED_EOF = 1L << 7;
    /** {@code SSL_OP_ENABLE_MIDDLEBOX_COMPAT} (on by default in OpenSSL 3) */
    public static final long SSL_OP_ENABLE_MIDDLEBOX_COMPAT = 1L << 20;
    /** {@code SSL_OP_NO_EXTENDED_MASTER_SECRET} */
    public static final long SSL_OP_NO_EXTENDED_MASTER_SECRET = 1L << 0;
    /** {@code SSL_OP_SINGLE_DH_USE}: 0, always on in OpenSSL 3. */
    public static final long SSL_OP_SINGLE_DH_USE = 0L;
    /** {@code SSL_OP_SINGLE_ECDH_USE}: 0, always on in OpenSSL 3. */
    public static final long SSL_OP_SINGLE_ECDH_USE = 0L;

    /** {@code TLS1_VERSION}: TLS 1.0 on the wire (0x0301). */
    public static final int TLS1_VERSION = 0x0301;
    /** {@code TLS1_1_VERSION} (0x0302) */
    public static final int TLS1_1_VERSION = 0x0302;
    /** {@code TLS1_2_VERSION} (0x0303) */
    public static final int TLS1_2_VERSION = 0x0303;
    /** {@code TLS1_3_VERSION} (0x0304) */
    public static final int TLS1_3_VERSION = 0x0304;

    /** {@code ENGINE_METHOD_RSA} */
    public static final int ENGINE_METHOD_RSA = 0x0001;
    /** {@code ENGINE_METHOD_DSA} */
    public static final int ENGINE_METHOD_DSA = 0x0002;
    /** {@code ENGINE_METHOD_DH} */
    public static final int ENGINE_METHOD_DH = 0x0004;
    /** {@code ENGINE_METHOD_RAND} */
    public static final int ENGINE_METHOD_RAND = 0x0008;
    /** {@code ENGINE_METHOD_CIPHERS} */
    public static final int ENGINE_METHOD_CIPHERS = 0x0040;
    /** {@code ENGINE_METHOD_DIGESTS} */
    public static final int ENGINE_METHOD_DIGESTS = 0x0080;
    /** {@code ENGINE_METHOD_PKEY_METHS} */
    public static final int ENGINE_METHOD_PKEY_METHS = 0x0200;
    /** {@code ENGINE_METHOD_PKEY_ASN1_METHS} */
    public static final int ENGINE_METHOD_PKEY_ASN1_METHS = 0x0400;
    /** {@code ENGINE_METHOD_EC} */
    public static final int ENGINE_METHOD_EC = 0x0800;
    /** {@code ENGINE_METHOD_ALL} */
    public static final int ENGINE_METHOD_ALL = 0xFFFF;
    /** {@code ENGINE_METHOD_NONE} */
    public static final int ENGINE_METHOD_NONE = 0x0000;

    /**
     * Node's {@code crypto.constants.defaultCoreCipherList}: Node 20's built-in default cipher
     * list, before {@code --tls-cipher-list} (here {@code jtls.tls.cipherList}) replaces it.
     */
    public static final String defaultCoreCipherList = "TLS_AES_256_GCM_SHA384:"
            + "TLS_CHACHA20_POLY1305_SHA256:"
            + "TLS_AES_128_GCM_SHA256:"
            + "ECDHE-RSA-AES128-GCM-SHA256:"
            + "ECDHE-ECDSA-AES128-GCM-SHA256:"
            + "ECDHE-RSA-AES256-GCM-SHA384:"
            + "ECDHE-ECDSA-AES256-GCM-SHA384:"
            + "DHE-RSA-AES128-GCM-SHA256:"
            + "ECDHE-RSA-AES128-SHA256:"
            + "DHE-RSA-AES128-SHA256:"
            + "ECDHE-RSA-AES256-SHA384:"
            + "DHE-RSA-AES256-SHA384:"
            + "ECDHE-RSA-AES256-SHA256:"
            + "DHE-RSA-AES256-SHA256:"
            + "HIGH:"
            + "!aNULL:"
            + "!eNULL:"
            + "!EXPORT:"
            + "!DES:"
            + "!RC4:"
            + "!MD5:"
            + "!PSK:"
            + "!SRP:"
            + "!CAMELLIA";

    /**
     * Node's {@code crypto.constants.defaultCipherList}: the process-wide default, which is
     * {@link #defaultCoreCipherList} unless replaced by the system property
     * {@code jtls.tls.cipherList} or the environment variable {@code JTLS_TLS_CIPHER_LIST}
     * (Node's {@code --tls-cipher-list} switch), read once at startup.
     */
    public static final String defaultCipherList = defaultCipherList();

    private static String defaultCipherList() {
        String property = System.getProperty("jtls.tls.cipherList");
        if (property != null && !property.isEmpty()) {
            return property;
        }
        String env = System.getenv("JTLS_TLS_CIPHER_LIST");
        if (env != null && !env.isEmpty()) {
            return env;
        }
        return defaultCoreCipherList;
    }
}
