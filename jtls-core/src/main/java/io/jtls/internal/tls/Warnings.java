package io.jtls.internal.tls;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Node's {@code process.emitWarning} for this layer: each warning (a deprecation such as
 * {@code DEP0123}) is logged once per process through {@link System.Logger}
 * ({@code io.jtls.tls}), as Node prints each deprecation once.
 */
public final class Warnings {
    private static final System.Logger LOG = System.getLogger("io.jtls.tls");
    private static final Set<String> EMITTED = ConcurrentHashMap.newKeySet();

    private Warnings() {}

    /** Logs {@code message} the first time {@code code} is seen; true if this call logged it. */
    public static boolean once(String code, String message) {
        if (!EMITTED.add(code)) {
            return false;
        }
        LOG.log(System.Logger.Level.WARNING, "[" + code + "] " + message);
        return true;
    }
}
