package io.jtls.internal.util;

import java.util.ArrayList;
import java.util.List;

/**
 * The part of Node's {@code util.inspect} that its argument errors print after "Received":
 * strings quoted as Node quotes them, {@code null}, numbers, booleans and lists of those
 * ({@code [ '', '' ]}, over several lines when they do not fit in 80 columns). Node's
 * {@code ERR_INVALID_ARG_VALUE} cuts the result at 128 characters and adds {@code ...}:
 * {@link #argValue(Object)} does that.
 */
public final class NodeInspect {
    private NodeInspect() {}

    private static final int BREAK_LENGTH = 80;

    /** {@code util.inspect(value)} for the supported kinds; other objects print as {@code toString()}. */
    public static String value(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof CharSequence s) {
            return quote(s.toString());
        }
        if (value instanceof List<?> list) {
            return list(list);
        }
        return String.valueOf(value);
    }

    /** What {@code ERR_INVALID_ARG_VALUE} prints: the inspection, cut at 128 characters. */
    public static String argValue(Object value) {
        String inspected = value(value);
        return inspected.length() > 128 ? inspected.substring(0, 128) + "..." : inspected;
    }

    private static String list(List<?> list) {
        if (list.isEmpty()) {
            return "[]";
        }
        List<String> entries = new ArrayList<>(list.size());
        int total = list.size();
        boolean newline = false;
        for (Object o : list) {
            String e = value(o);
            entries.add(e);
            total += e.length();
            newline |= e.indexOf('\n') >= 0;
        }
        // Node: on one line when the entries, their separators and the braces fit in breakLength.
        int start = entries.size() + 1 + 10;
        if (!newline && total + start <= BREAK_LENGTH) {
            return "[ " + String.join(", ", entries) + " ]";
        }
        return "[\n  " + String.join(",\n  ", entries) + "\n]";
    }

    /** Node's string quoting: single quotes unless the text holds them (then ", then `). */
    static String quote(String s) {
        char quote = '\'';
        if (s.indexOf('\'') >= 0) {
            if (s.indexOf('"') < 0) {
                quote = '"';
            } else if (s.indexOf('`') < 0 && s.indexOf("${") < 0) {
                quote = '`';
            }
        }
        StringBuilder out = new StringBuilder(s.length() + 2).append(quote);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\u000b' -> out.append("\\v");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c == quote) {
                        out.append('\\').append(c);
                    } else if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append(quote).toString();
    }
}
