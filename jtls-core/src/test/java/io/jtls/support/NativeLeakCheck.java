package io.jtls.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jtls.internal.openssl.NativeKind;
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
 */
public final class NativeLeakCheck implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(NativeLeakCheck.class);
    private final Runnable warmUp;

    private NativeLeakCheck(Runnable warmUp) {
        this.warmUp = warmUp;
    }

    /** Counts live native objects after {@code warmUp} has run. */
    public static NativeLeakCheck after(Runnable warmUp) {
        return new NativeLeakCheck(warmUp);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        warmUp.run();
        context.getStore(NAMESPACE).put("liveAtStart", NativeKind.liveTotal());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        long liveAtStart = context.getStore(NAMESPACE).get("liveAtStart", Long.class);
        assertEquals(liveAtStart, NativeKind.liveTotal(), NativeKind.liveSummary());
    }
}
