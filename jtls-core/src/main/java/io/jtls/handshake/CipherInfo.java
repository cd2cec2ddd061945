package io.jtls.handshake;

import java.util.Objects;

/**
 * The cipher suite a connection negotiated: Node's {@code tlsSocket.getCipher()} object.
 *
 * <p>Node fills the three fields from OpenSSL, and so does jtls:
 * <pre>{@code
 * TLSv1.3:  name "TLS_AES_256_GCM_SHA384"       standardName "TLS_AES_256_GCM_SHA384"                 version "TLSv1.3"
 * TLSv1.2:  name "ECDHE-RSA-AES128-GCM-SHA256"  standardName "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"  version "TLSv1.2"
 * old:      name "AES128-SHA"                   standardName "TLS_RSA_WITH_AES_128_CBC_SHA"           version "SSLv3"
 * }</pre>
 *
 * @param name         OpenSSL's name of the suite ({@code SSL_CIPHER_get_name})
 * @param standardName the IANA name ({@code SSL_CIPHER_standard_name})
 * @param version      the oldest protocol version that defines the suite
 *                     ({@code SSL_CIPHER_get_version}), not the version negotiated: see
 *                     {@code getProtocol()} for that
 */
public record CipherInfo(String name, String standardName, String version) {
    /** Checks and keeps the values. */
    public CipherInfo {
        Objects.requireNonNull(name, "name");
    }
}
