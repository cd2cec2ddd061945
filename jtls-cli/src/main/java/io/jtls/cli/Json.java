package io.jtls.cli;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes the few JSON values the command prints ({@code --json}, {@code --showcerts}): maps
 * (in their own order), lists, strings, numbers, booleans and null. Output only: the command
 * never parses JSON.
 */
final class Json {
    private Json() {}

    /** {@code value} as compact JSON on one line. */
    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, -1, 0);
        return out.toString();
    }

    /** {@code value} as JSON indented by two spaces a level, for people. */
    static String pretty(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, 2, 0);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value, int indent, int depth) {
        switch (value) {
            case null -> out.append("null");
            case String s -> string(out, s);
            case Boolean b -> out.append(b);
            case Number n -> out.append(n);
            case Map<?, ?> map -> container(out, '{', '}', map.entrySet().iterator(), indent, depth);
            case List<?> list -> container(out, '[', ']', list.iterator(), indent, depth);
            default -> string(out, value.toString());
        }
    }

    private static void container(StringBuilder out, char open, char close, Iterator<?> items, int indent, int depth) {
        out.append(open);
        boolean first = true;
        while (items.hasNext()) {
            Object item = items.next();
            if (!first) out.append(',');
            first = false;
            newline(out, indent, depth + 1);
            if (item instanceof Map.Entry<?, ?> e) {
                string(out, String.valueOf(e.getKey()));
                out.append(indent < 0 ? ":" : ": ");
                write(out, e.getValue(), indent, depth + 1);
            } else {
                write(out, item, indent, depth + 1);
            }
        }
        if (!first) newline(out, indent, depth);
        out.append(close);
    }

    private static void newline(StringBuilder out, int indent, int depth) {
        if (indent >= 0) {
            out.append('\n').append(" ".repeat(indent * depth));
        }
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }
}
