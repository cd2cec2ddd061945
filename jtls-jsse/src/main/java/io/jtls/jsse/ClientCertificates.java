package io.jtls.jsse;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * What a client's key manager is asked with when the server's CertificateRequest arrives, in
 * SunJSSE's terms: the JCA key types of the signature algorithms the server accepts, and the
 * issuers it named.
 */
final class ClientCertificates {
    private ClientCertificates() {}

    /**
     * The key types of {@code sigalgs} (OpenSSL's shared list as "ECDSA+SHA256", "RSA-PSS+SHA256",
     * "Ed25519+...", the server's order), each once; {@code fallback} when none is known.
     * "RSA-PSS" covers rsa_pss_rsae (an "RSA" key) and rsa_pss_pss (an "RSASSA-PSS" key): OpenSSL
     * names both alike.
     */
    static String[] keyTypes(List<String> sigalgs, String[] fallback) {
        Set<String> types = new LinkedHashSet<>();
        for (String sigalg : sigalgs) {
            int plus = sigalg.indexOf('+');
            String key = plus < 0 ? sigalg : sigalg.substring(0, plus);
            switch (key) {
                case "ECDSA" -> types.add("EC");
                case "RSA" -> types.add("RSA");
                case "RSA-PSS" -> {
                    types.add("RSA");
                    types.add("RSASSA-PSS");
                }
                case "Ed25519", "Ed448" -> types.add("EdDSA");
                default -> { } // DSA, GOST...: no JSSE key type a jtls connection signs with
            }
        }
        return types.isEmpty() ? fallback.clone() : types.toArray(String[]::new);
    }

    /**
     * The server's CA names as principals, as SunJSSE hands them over: TLS 1.3 without
     * certificate_authorities gives null, TLS 1.2's list (which the message always has) an array,
     * empty when the server named none; either way the key manager then chooses by key type
     * alone. A name that does not parse is left out.
     */
    static X500Principal[] issuers(List<byte[]> names, String protocol) {
        if (names.isEmpty()) {
            return "TLSv1.3".equals(protocol) ? null : new X500Principal[0];
        }
        return names.stream().map(ClientCertificates::principal).filter(p -> p != null).toArray(X500Principal[]::new);
    }

    private static X500Principal principal(byte[] der) {
        try {
            return new X500Principal(der);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
