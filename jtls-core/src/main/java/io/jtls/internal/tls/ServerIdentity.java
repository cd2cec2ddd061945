package io.jtls.internal.tls;

import io.jtls.error.CertificateIdentityException;
import io.jtls.error.TlsException;
import io.jtls.internal.util.IpAddresses;
import io.jtls.internal.util.JsonStrings;
import io.jtls.x509.Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Node's {@code tls.checkServerIdentity(hostname, cert)} (lib/tls.js), rule for rule:
 * <ul>
 *   <li>One trailing dot of the host is ignored; comparisons lower-case A-Z only.</li>
 *   <li>An IP host (Node's {@code net.isIP}) must equal, after canonicalization, one of the
 *       {@code IP Address:} names; the common name is never used for IPs.</li>
 *   <li>A DNS host is checked against the {@code DNS:} names when there are any, and only
 *       otherwise against the subject's common name(s).</li>
 *   <li>A pattern must have as many labels as the host, no empty label, only printable ASCII;
 *       labels right of the first match exactly; the first may hold one {@code *} standing for
 *       at least nothing ({@code f*o}, {@code *o}, {@code f*} all work) unless the pattern has
 *       fewer than three labels ({@code *.com} never matches) or the label is an IDNA A-label
 *       ({@code xn--}), which must match verbatim. Unicode (U-label) names never match.</li>
 * </ul>
 * {@code subjectaltname} text containing a {@code '"'} is split as JSON-escaped names (the
 * escaping Node's certificate object uses); a malformed one throws
 * {@code ERR_TLS_CERT_ALTNAME_FORMAT}, as Node throws.
 */
public final class ServerIdentity {
    private ServerIdentity() {}

    /**
     * Null when {@code cert} is issued to {@code hostname}, else the error Node would return. A
     * null {@code cert} (a server that sent none: PSK) is checked as Node checks its empty object:
     * it names nothing.
     */
    public static CertificateIdentityException check(String hostname, Certificate cert) {
        Objects.requireNonNull(hostname, "hostname");
        String altNames = cert == null ? null : cert.subjectaltname();
        List<String> dnsNames = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        if (altNames != null && !altNames.isEmpty()) {
            List<String> names = altNames.contains("\"") ? splitEscapedAltNames(altNames) : splitPlain(altNames);
            for (String name : names) {
                if (name.startsWith("DNS:")) {
                    dnsNames.add(name.substring(4));
                } else if (name.startsWith("IP Address:")) {
                    ips.add(IpAddresses.canonicalize(name.substring(11))); // null where Node has undefined
                }
            }
        }

        boolean valid = false;
        String reason = "Unknown reason";
        String host = unfqdn(hostname);
        List<String> commonNames = cert == null || cert.subject() == null ? List.of() : cert.subject().getAll("CN");
        // Node's `subject?.CN` is truthy for a non-empty string or an array (two or more CNs).
        boolean hasCommonName = commonNames.size() > 1 || (commonNames.size() == 1 && !commonNames.getFirst().isEmpty());

        if (IpAddresses.isIP(host) != 0) {
            valid = ips.contains(IpAddresses.canonicalize(host));
            if (!valid) {
                reason = "IP: " + host + " is not in the cert's list: " + joinLikeJs(ips);
            }
        } else if (!dnsNames.isEmpty() || hasCommonName) {
            String[] hostParts = splitHost(host);
            if (!dnsNames.isEmpty()) {
                valid = dnsNames.stream().anyMatch(p -> matches(hostParts, p));
                if (!valid) {
                    reason = "Host: " + host + ". is not in the cert's altnames: " + altNames;
                }
            } else {
                valid = commonNames.stream().anyMatch(p -> matches(hostParts, p));
                if (!valid) {
                    // `${cn}`: a string, or an array joined with ','.
                    reason = "Host: " + host + ". is not cert's CN: " + String.join(",", commonNames);
                }
            }
        } else {
            reason = "Cert does not contain a DNS name";
        }
        return valid ? null : new CertificateIdentityException(reason, host, cert);
    }

    /** Node's {@code check(hostParts, pattern, true)}. */
    private static boolean matches(String[] hostParts, String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            return false;
        }
        String[] patternParts = splitHost(pattern);
        if (hostParts.length != patternParts.length) {
            return false;
        }
        for (String part : patternParts) {
            if (part.isEmpty() || !isPrintableAscii(part)) {
                return false;
            }
        }
        for (int i = hostParts.length - 1; i > 0; i--) {
            if (!hostParts[i].equals(patternParts[i])) {
                return false;
            }
        }
        String hostSubdomain = hostParts[0];
        String patternSubdomain = patternParts[0];
        String[] wildcardParts = patternSubdomain.split("\\*", -1);
        if (wildcardParts.length == 1 || patternSubdomain.contains("xn--")) {
            return hostSubdomain.equals(patternSubdomain);
        }
        if (wildcardParts.length > 2) {
            return false; // more than one wildcard
        }
        if (patternParts.length <= 2) {
            return false; // *.tld
        }
        String prefix = wildcardParts[0];
        String suffix = wildcardParts[1];
        return prefix.length() + suffix.length() <= hostSubdomain.length()
                && hostSubdomain.startsWith(prefix)
                && hostSubdomain.endsWith(suffix);
    }

    /** Node's {@code isBad} inverted: every character within U+0021..U+007F. */
    private static boolean isPrintableAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** Node's {@code splitHost}: without a trailing dot, A-Z lower-cased, split at dots. */
    private static String[] splitHost(String host) {
        String s = unfqdn(host);
        StringBuilder lower = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            lower.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        return lower.toString().split("\\.", -1);
    }

    /** Node's {@code unfqdn}: one trailing dot removed. */
    private static String unfqdn(String host) {
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }

    /** {@code altNames.split(', ')}. */
    private static List<String> splitPlain(String altNames) {
        List<String> out = new ArrayList<>();
        int from = 0;
        int sep;
        while ((sep = altNames.indexOf(", ", from)) >= 0) {
            out.add(altNames.substring(from, sep));
            from = sep + 2;
        }
        out.add(altNames.substring(from));
        return out;
    }

    /** Node's {@code splitEscapedAltNames}: names separated by ", ", JSON strings decoded. */
    private static List<String> splitEscapedAltNames(String altNames) {
        List<String> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int offset = 0;
        int length = altNames.length();
        while (offset < length) {
            int nextSep = altNames.indexOf(',', offset);
            int nextQuote = altNames.indexOf('"', offset);
            if (nextQuote != -1 && (nextSep == -1 || nextQuote < nextSep)) {
                current.append(altNames, offset, nextQuote);
                int literal = JsonStrings.literalLength(altNames, nextQuote);
                if (literal < 0) {
                    throw TlsException.syntaxError("ERR_TLS_CERT_ALTNAME_FORMAT", "Invalid subject alternative name string");
                }
                current.append(JsonStrings.parse(altNames.substring(nextQuote, nextQuote + literal)));
                offset = nextQuote + literal;
            } else if (nextSep != -1) {
                current.append(altNames, offset, nextSep);
                result.add(current.toString());
                current.setLength(0);
                offset = nextSep + 2; // may step past the end, as in Node
            } else {
                current.append(altNames, offset, length);
                offset = length;
            }
        }
        result.add(current.toString());
        return result;
    }

    /** {@code Array.prototype.join(', ')}: undefined (null) elements print as nothing. */
    private static String joinLikeJs(List<String> values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(values.get(i) == null ? "" : values.get(i));
        }
        return sb.toString();
    }
}
