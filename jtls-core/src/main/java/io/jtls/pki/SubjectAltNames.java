package io.jtls.pki;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns what a user writes ({@code "localhost"}, {@code "127.0.0.1"}, {@code "::1"},
 * {@code "email:a@b"}) into OpenSSL's {@code subjectAltName} syntax ({@code DNS:localhost},
 * {@code IP:127.0.0.1}, ...). IP literals are recognised by their text alone: nothing is ever
 * looked up in DNS.
 */
final class SubjectAltNames {
    private SubjectAltNames() {}

    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");
    private static final Pattern DNS = Pattern.compile("(\\*\\.)?[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?"
            + "(\\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\\.?|\\*");

    /** One entry in OpenSSL's config syntax, e.g. {@code DNS:example.com}. */
    static String toOpenSsl(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("subjectAltName is empty");
        }
        if (value.indexOf(',') >= 0 || value.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
            throw new IllegalArgumentException("subjectAltName must not contain commas, spaces or control characters: "
                    + value);
        }
        int colon = value.indexOf(':');
        if (colon > 0) {
            String prefix = value.substring(0, colon).toLowerCase(Locale.ROOT);
            String rest = value.substring(colon + 1);
            switch (prefix) {
                case "dns" -> { return "DNS:" + dns(rest, value); }
                case "ip" -> { return "IP:" + ip(rest, value); }
                case "email" -> { return "email:" + email(rest, value); }
                case "uri" -> { return "URI:" + uri(rest, value); }
                default -> { /* an IPv6 literal, or an unknown prefix */ }
            }
        }
        if (isIpAddress(value)) {
            return "IP:" + value;
        }
        if (colon >= 0) {
            throw new IllegalArgumentException("subjectAltName has an unknown type (use DNS:, IP:, email: or URI:): "
                    + value);
        }
        return "DNS:" + dns(value, value);
    }

    static boolean isIpAddress(String value) {
        return IPV4.matcher(value).matches() || isIpv6(value);
    }

    /** RFC 4291 text form: eight hex groups, one "::" for a run of zeros, an IPv4 tail allowed. */
    private static boolean isIpv6(String value) {
        int gap = value.indexOf("::");
        if (gap >= 0 && value.indexOf("::", gap + 1) >= 0) {
            return false;
        }
        String[] head = groups(gap >= 0 ? value.substring(0, gap) : value);
        String[] tail = gap >= 0 ? groups(value.substring(gap + 2)) : new String[0];
        if (head == null || tail == null) {
            return false;
        }
        String[] all = new String[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        int count = 0;
        for (int i = 0; i < all.length; i++) {
            if (i == all.length - 1 && IPV4.matcher(all[i]).matches()) {
                count += 2;
            } else if (HEX_GROUP.matcher(all[i]).matches()) {
                count += 1;
            } else {
                return false;
            }
        }
        return gap >= 0 ? count <= 7 : count == 8;
    }

    /** The colon-separated groups of one side of "::"; null when a group is empty. */
    private static String[] groups(String side) {
        if (side.isEmpty()) {
            return new String[0];
        }
        String[] parts = side.split(":", -1);
        for (String part : parts) {
            if (part.isEmpty()) {
                return null;
            }
        }
        return parts;
    }

    private static String dns(String name, String original) {
        if (!DNS.matcher(name).matches() || name.length() > 253) {
            throw new IllegalArgumentException("subjectAltName is not a valid DNS name: " + original);
        }
        return name;
    }

    private static String ip(String address, String original) {
        if (!isIpAddress(address)) {
            throw new IllegalArgumentException("subjectAltName is not an IPv4 or IPv6 address: " + original);
        }
        return address;
    }

    private static String email(String address, String original) {
        int at = address.indexOf('@');
        if (at <= 0 || at != address.lastIndexOf('@') || at == address.length() - 1) {
            throw new IllegalArgumentException("subjectAltName is not an email address: " + original);
        }
        return address;
    }

    private static String uri(String uri, String original) {
        int colon = uri.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("subjectAltName URI needs a scheme (e.g. spiffe://, https://): "
                    + original);
        }
        return uri;
    }
}
