package io.jtls.interop;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON configuration of a Node peer script, built as an ordered map. */
final class Config {
    private Config() {}

    /** {@code of("port", 1, "ca", path, ...)}: paths become strings. */
    static Map<String, Object> of(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], value(keysAndValues[i + 1]));
        }
        return map;
    }

    /** {@code base} plus more entries (later ones win). */
    static Map<String, Object> with(Map<String, Object> base, Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>(base);
        map.putAll(of(keysAndValues));
        return map;
    }

    private static Object value(Object v) {
        return v instanceof Path p ? p.toString() : v;
    }
}
