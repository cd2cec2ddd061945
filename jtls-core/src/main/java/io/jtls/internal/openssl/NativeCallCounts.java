package io.jtls.internal.openssl;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A diagnostic for the cost ledger (docs/performance.md): with
 * {@code -Djtls.countNativeCalls=true} every downcall into OpenSSL and every upcall out of it
 * is counted per function, so that a run can say how many FFM transitions a handshake or a
 * record costs. Off by default, and then free: the handles are made without the counter (the
 * flag is read once, when the binding classes link their handles).
 */
public final class NativeCallCounts {
    /** Whether handles made from now on count their calls. */
    public static final boolean ENABLED = Boolean.getBoolean("jtls.countNativeCalls");

    private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();
    private static final MethodHandle INCREMENT;

    static {
        try {
            INCREMENT = MethodHandles.lookup().findVirtual(LongAdder.class, "increment", MethodType.methodType(void.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private NativeCallCounts() {}

    /** {@code target}, counting each call under {@code name} when {@link #ENABLED}. */
    static MethodHandle counting(String name, MethodHandle target) {
        if (!ENABLED) {
            return target;
        }
        LongAdder adder = COUNTS.computeIfAbsent(name, n -> new LongAdder());
        return MethodHandles.foldArguments(target, INCREMENT.bindTo(adder));
    }

    /**
     * The calls counted so far, per function ({@code "up:"} before an upcall's Java method),
     * sorted by name; empty unless {@link #ENABLED}.
     *
     * @return a new map of function name to calls
     */
    public static Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        COUNTS.forEach((name, adder) -> {
            long n = adder.sum();
            if (n > 0) {
                copy.put(name, n);
            }
        });
        return copy;
    }

    /** Sets every count back to zero (after a warm-up). */
    public static void reset() {
        COUNTS.values().forEach(LongAdder::reset);
    }
}
