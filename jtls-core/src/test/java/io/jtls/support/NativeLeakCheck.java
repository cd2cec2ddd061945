package io.jtls.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jtls.internal.openssl.NativeKind;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Asserts after each test that every native object it created was freed: {@link
 * NativeKind#liveTotal()} is back to its value before the test. The warm-up runs before the
 * count is taken, so fixtures that live for the whole run (a test PKI, the root store) are not
 * counted as leaks of the first test that touches them.
 * <pre>{@code
 * @RegisterExtension
 * final NativeLeakCheck leaks = NativeLeakCheck.after(() -> TestPki.ROOT.hashCode());
 * }</pre>
 * Socket tests free their engines on event-loop threads after the test's last await:
 * {@link #eventually()} gives them a few seconds to get there.
 */
public final class NativeLeakCheck implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(NativeLeakCheck.class);
    private static final Duration LOOP_GRACE = Duration.ofSeconds(10);
    /** How long a stress test's hundreds of connections may take to close on their loops. */
    private static final Duration STRESS_GRACE = Duration.ofSeconds(15);
    private final Runnable warmUp;
    private final Duration grace;

    private NativeLeakCheck(Runnable warmUp, Duration grace) {
        this.warmUp = warmUp;
        this.grace = grace;
    }

    /** Counts live native objects after {@code warmUp} has run; the count must be back at once. */
    public static NativeLeakCheck after(Runnable warmUp) {
        return new NativeLeakCheck(warmUp, Duration.ZERO);
    }

    /** The count must be back within a few seconds (objects freed on event-loop threads). */
    public static NativeLeakCheck eventually() {
        return new NativeLeakCheck(() -> { }, LOOP_GRACE);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        warmUp.run();
        long liveAtStart = grace.isZero() ? NativeKind.liveTotal() : settledLiveTotal();
        context.getStore(NAMESPACE).put("liveAtStart", liveAtStart);
    }

    /**
     * The live count once it has stopped moving: connections of an earlier test may still be
     * closing on their loops, and a start count taken mid-way would never be met again.
     */
    public static long settledLiveTotal() {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        long last = NativeKind.liveTotal();
        while (System.nanoTime() < deadline) {
            Waiting.sleep(Duration.ofMillis(50));
            long now = NativeKind.liveTotal();
            if (now == last) {
                return now;
            }
            last = now;
        }
        return last;
    }

    /**
     * The settled live count and what the Cleaner has freed so far, for a stress test to check
     * at its end with {@link Baseline#assertEveryObjectFreedOnce()}.
     */
    public static Baseline baseline() {
        return new Baseline(settledLiveTotal(), leakedTotal());
    }

    /** Native objects the Cleaner freed (their owner never closed them), over every kind. */
    private static long leakedTotal() {
        long total = 0;
        for (NativeKind kind : NativeKind.values()) {
            total += kind.leaked();
        }
        return total;
    }

    /** A stress test's starting point: live objects, and objects left to the Cleaner so far. */
    public record Baseline(long live, long leaked) {
        /** Every native object made since is freed (waiting for loops still closing), none by the Cleaner. */
        public void assertEveryObjectFreedOnce() {
            Waiting.eventually("every native object freed (" + NativeKind.liveTotal() + " live, " + live + " at start)",
                    STRESS_GRACE, () -> NativeKind.liveTotal() == live);
            assertEquals(leaked, leakedTotal(), "nothing was left for the Cleaner");
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        long liveAtStart = context.getStore(NAMESPACE).get("liveAtStart", Long.class);
        if (!grace.isZero()) {
            try {
                Waiting.eventually("native objects back to " + liveAtStart, grace,
                        () -> NativeKind.liveTotal() == liveAtStart);
            } catch (AssertionError stillLive) {
                // reported below with the counts per kind
            }
        }
        assertEquals(liveAtStart, NativeKind.liveTotal(), NativeKind.liveSummary());
    }
}
