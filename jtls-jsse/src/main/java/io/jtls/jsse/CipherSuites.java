package io.jtls.jsse;

import io.jtls.context.SecureContextOptions;
import io.jtls.internal.context.NativeSecureContext;
import io.jtls.internal.openssl.SslCalls;
import io.jtls.internal.openssl.SslCtxCalls;
import io.jtls.internal.openssl.StackCalls;
import io.jtls.internal.openssl.Types;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSSE speaks IANA cipher suite names ({@code TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}), OpenSSL its
 * own ({@code ECDHE-RSA-AES128-GCM-SHA256}) for TLS 1.2 and the IANA ones for TLS 1.3. The mapping
 * is read from OpenSSL itself ({@code SSL_CIPHER_standard_name}) once, so it always matches the
 * loaded libssl: the supported list is everything {@code ALL} offers without anonymous, PSK and SRP
 * suites (which need no certificate or a callback JSSE cannot express); the default list is the
 * one jtls (as Node) enables by default.
 */
final class CipherSuites {
    private CipherSuites() {}

    /** JSSE's renegotiation signalling pseudo-suite: accepted and ignored (OpenSSL always sends the extension). */
    static final String SCSV = "TLS_EMPTY_RENEGOTIATION_INFO_SCSV";

    private static volatile CipherSuites.Tables tables;

    /** IANA name to OpenSSL name, in OpenSSL's preference order. */
    private record Tables(Map<String, String> supported, List<String> defaults) {}

    private static Tables tables() {
        Tables t = tables;
        if (t == null) {
            synchronized (CipherSuites.class) {
                t = tables;
                if (t == null) {
                    Map<String, String> supported = read("ALL:!aNULL:!eNULL:!PSK:!SRP:!kDHEPSK:!kECDHEPSK:!kRSAPSK");
                    List<String> defaults = List.copyOf(read(null).keySet());
                    t = new Tables(Collections.unmodifiableMap(supported), defaults);
                    tables = t;
                }
            }
        }
        return t;
    }

    /** The suites an SSL made from a context with {@code ciphers} (null: jtls's default) would offer. */
    private static Map<String, String> read(String ciphers) {
        SecureContextOptions.Builder options = SecureContextOptions.builder();
        if (ciphers != null) {
            options.ciphers(ciphers);
        }
        Map<String, String> names = new LinkedHashMap<>();
        try (NativeSecureContext context = NativeSecureContext.create(options.build(), java.util.Set.of())) {
            MemorySegment stack = SslCtxCalls.SSL_CTX_get_ciphers(context.sslCtx()); // borrowed
            int n = Types.isNull(stack) ? 0 : StackCalls.sk_num(stack);
            for (int i = 0; i < n; i++) {
                MemorySegment cipher = StackCalls.sk_value(stack, i);
                String iana = Types.cString(SslCalls.SSL_CIPHER_standard_name(cipher));
                String openssl = Types.cString(SslCalls.SSL_CIPHER_get_name(cipher));
                if (iana != null && openssl != null) {
                    names.put(iana, openssl);
                }
            }
        }
        return names;
    }

    /** Every suite this provider can enable, IANA names. */
    static String[] supported() {
        return tables().supported().keySet().toArray(String[]::new);
    }

    /** The suites enabled by default, IANA names, in preference order. */
    static String[] defaults() {
        return tables().defaults().toArray(String[]::new);
    }

    /** True for a TLS 1.3 suite (they only work with TLS 1.3, and the others only below it). */
    static boolean isTls13(String iana) {
        return iana.startsWith("TLS_AES_") || iana.startsWith("TLS_CHACHA20_");
    }

    /**
     * Checks IANA names as {@code setEnabledCipherSuites} must ({@code IllegalArgumentException} for
     * an unknown one) and returns them, the SCSV dropped.
     */
    static String[] check(String[] suites) {
        if (suites == null) {
            throw new IllegalArgumentException("cipher suites must not be null");
        }
        Map<String, String> supported = tables().supported();
        List<String> result = new ArrayList<>(suites.length);
        for (String suite : suites) {
            if (suite == null || suite.isEmpty()) {
                throw new IllegalArgumentException("empty cipher suite name");
            }
            if (suite.equals(SCSV)) {
                continue;
            }
            if (!supported.containsKey(suite)) {
                throw new IllegalArgumentException("unsupported cipher suite: " + suite);
            }
            if (!result.contains(suite)) {
                result.add(suite);
            }
        }
        return result.toArray(String[]::new);
    }

    /**
     * The OpenSSL cipher string for Node's {@code ciphers} option: TLS 1.3 names as they are, the
     * others translated. Unknown names were refused by {@link #check}.
     */
    static String cipherString(String[] suites) {
        Map<String, String> supported = tables().supported();
        List<String> parts = new ArrayList<>(suites.length);
        for (String suite : suites) {
            String openssl = isTls13(suite) ? suite : supported.get(suite);
            if (openssl != null) {
                parts.add(openssl);
            }
        }
        return String.join(":", parts);
    }
}
