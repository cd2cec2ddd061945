package io.jtls.internal.context;

import io.jtls.error.TlsArgumentException;
import io.jtls.internal.openssl.SslCtxCalls;
import java.lang.foreign.MemorySegment;

/**
 * The protocol range of a context, as Node's {@code SecureContext} constructor
 * ({@code lib/_tls_common.js}) and {@code SecureContext::Init} ({@code crypto_context.cc})
 * work it out from {@code secureProtocol}, {@code minVersion} and {@code maxVersion}.
 *
 * @param method the {@code SSL_METHOD}: {@code TLS_method} unless a {@code _server_method} or
 *               {@code _client_method} name asked for a one-sided one
 * @param min    the minimum version ({@code TLS1_x_VERSION}); 0 means OpenSSL's lowest
 * @param max    the maximum version
 */
record ProtocolVersions(MemorySegment method, int min, int max) {

    /**
     * Node's order of checks: a {@code secureProtocol} together with {@code minVersion} or
     * {@code maxVersion} is {@code ERR_TLS_PROTOCOL_VERSION_CONFLICT}; then each version name
     * must be known ({@code ERR_TLS_INVALID_PROTOCOL_VERSION}); then the method name
     * ({@code ERR_TLS_INVALID_PROTOCOL_METHOD}), which overrides the range.
     */
    static ProtocolVersions resolve(String secureProtocol, String minVersion, String maxVersion) {
        if (secureProtocol != null && !secureProtocol.isEmpty()) {
            if (minVersion != null) {
                throw conflict(minVersion, secureProtocol);
            }
            if (maxVersion != null) {
                throw conflict(maxVersion, secureProtocol);
            }
        }
        int min = toVersion("minimum", minVersion, Defaults.MIN_VERSION);
        int max = toVersion("maximum", maxVersion, Defaults.MAX_VERSION);
        if (secureProtocol == null || secureProtocol.isEmpty()) {
            return new ProtocolVersions(SslCtxCalls.TLS_method(), min, max);
        }
        return fromMethod(secureProtocol, min, max);
    }

    /** Node's {@code toV}: the version names Node knows, nothing else (no {@code SSLv3}). */
    static int toVersion(String which, String name, String defaultName) {
        String v = name == null ? defaultName : name;
        return switch (v) {
            case "TLSv1" -> SslCtxCalls.TLS1_VERSION;
            case "TLSv1.1" -> SslCtxCalls.TLS1_1_VERSION;
            case "TLSv1.2" -> SslCtxCalls.TLS1_2_VERSION;
            case "TLSv1.3" -> SslCtxCalls.TLS1_3_VERSION;
            default -> throw new TlsArgumentException("ERR_TLS_INVALID_PROTOCOL_VERSION",
                    "\"" + v + "\" is not a valid " + which + " TLS protocol version");
        };
    }

    /** The name Node's {@code getProtocol()} would print for a version number. */
    static String name(int version) {
        return switch (version) {
            case SslCtxCalls.TLS1_VERSION -> "TLSv1";
            case SslCtxCalls.TLS1_1_VERSION -> "TLSv1.1";
            case SslCtxCalls.TLS1_2_VERSION -> "TLSv1.2";
            case SslCtxCalls.TLS1_3_VERSION -> "TLSv1.3";
            case 0 -> "any";
            default -> "0x" + Integer.toHexString(version);
        };
    }

    /**
     * The method names of {@code SecureContext::Init}. SSLv2 and SSLv3 are refused;
     * {@code SSLv23_method} means "any version up to TLS 1.2" (OpenSSL's old name for the
     * flexible method, from before TLS 1.3); {@code TLS_method} means every version OpenSSL has.
     */
    private static ProtocolVersions fromMethod(String name, int min, int max) {
        MemorySegment any = SslCtxCalls.TLS_method();
        MemorySegment server = SslCtxCalls.TLS_server_method();
        MemorySegment client = SslCtxCalls.TLS_client_method();
        int tls1 = SslCtxCalls.TLS1_VERSION;
        int tls11 = SslCtxCalls.TLS1_1_VERSION;
        int tls12 = SslCtxCalls.TLS1_2_VERSION;
        int tls13 = SslCtxCalls.TLS1_3_VERSION;
        return switch (name) {
            case "SSLv2_method", "SSLv2_server_method", "SSLv2_client_method" ->
                    throw new TlsArgumentException("ERR_TLS_INVALID_PROTOCOL_METHOD", "SSLv2 methods disabled");
            case "SSLv3_method", "SSLv3_server_method", "SSLv3_client_method" ->
                    throw new TlsArgumentException("ERR_TLS_INVALID_PROTOCOL_METHOD", "SSLv3 methods disabled");
            case "SSLv23_method" -> new ProtocolVersions(any, min, tls12);
            case "SSLv23_server_method" -> new ProtocolVersions(server, min, tls12);
            case "SSLv23_client_method" -> new ProtocolVersions(client, min, tls12);
            case "TLS_method" -> new ProtocolVersions(any, 0, tls13);
            case "TLS_server_method" -> new ProtocolVersions(server, 0, tls13);
            case "TLS_client_method" -> new ProtocolVersions(client, 0, tls13);
            case "TLSv1_method" -> new ProtocolVersions(any, tls1, tls1);
            case "TLSv1_server_method" -> new ProtocolVersions(server, tls1, tls1);
            case "TLSv1_client_method" -> new ProtocolVersions(client, tls1, tls1);
            case "TLSv1_1_method" -> new ProtocolVersions(any, tls11, tls11);
            case "TLSv1_1_server_method" -> new ProtocolVersions(server, tls11, tls11);
            case "TLSv1_1_client_method" -> new ProtocolVersions(client, tls11, tls11);
            case "TLSv1_2_method" -> new ProtocolVersions(any, tls12, tls12);
            case "TLSv1_2_server_method" -> new ProtocolVersions(server, tls12, tls12);
            case "TLSv1_2_client_method" -> new ProtocolVersions(client, tls12, tls12);
            default -> throw new TlsArgumentException("ERR_TLS_INVALID_PROTOCOL_METHOD", "Unknown method: " + name);
        };
    }

    private static TlsArgumentException conflict(String version, String secureProtocol) {
        return new TlsArgumentException("ERR_TLS_PROTOCOL_VERSION_CONFLICT",
                "TLS protocol version \"" + version + "\" conflicts with secureProtocol \"" + secureProtocol + "\"");
    }
}
