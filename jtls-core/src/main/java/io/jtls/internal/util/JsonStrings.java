package io.jtls.internal.util;

/**
 * JSON string literals, the escaping Node uses inside {@code subjectaltname} and
 * {@code infoAccess} text for names that hold commas, quotes or control characters. Mirrors
 * Node's {@code jsonStringPattern} (lib/tls.js), which must match ECMA-404 exactly, and
 * {@code JSON.parse} of such a literal.
 */
public final class JsonStrings {
    private JsonStrings() {}

    /**
     * The length of the JSON string literal starting at {@code start} (which must be a
     * {@code '"'}), or -1 when the text there is not a valid literal.
     */
    public static int literalLength(CharSequence s, int start) {
        if (start >= s.length() || s.charAt(start) != '"') {
            return -1;
        }
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"') {
                return i + 1 - start;
            }
            if (c < 0x20) {
                return -1;
            }
            if (c != '\\') {
                i++;
                continue;
            }
            if (i + 1 >= s.length()) {
                return -1;
            }
            char e = s.charAt(i + 1);
            if ("\"\\/bfnrt".indexOf(e) >= 0) {
                i += 2;
            } else if (e == 'u' && i + 6 <= s.length() && isHex4(s, i + 2)) {
                i += 6;
            } else {
                return -1;
            }
        }
        return -1;
    }

    /** {@code JSON.parse} of a literal that {@link #literalLength} accepted as a whole. */
    public static String parse(CharSequence literal) {
        if (literalLength(literal, 0) != literal.length()) {
            throw new IllegalArgumentException("not a JSON string literal: " + literal);
        }
        StringBuilder sb = new StringBuilder(literal.length());
        for (int i = 1; i < literal.length() - 1; i++) {
            char c = literal.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = literal.charAt(++i);
            switch (e) {
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    sb.append((char) Integer.parseInt(literal.subSequence(i + 1, i + 5).toString(), 16));
                    i += 4;
                }
                default -> sb.append(e); // '"', '\\', '/'
            }
        }
        return sb.toString();
    }

    private static boolean isHex4(CharSequence s, int from) {
        for (int i = from; i < from + 4; i++) {
            if (Character.digit(s.charAt(i), 16) < 0 || s.charAt(i) > 'f') {
                return false;
            }
        }
        return true;
    }
}
