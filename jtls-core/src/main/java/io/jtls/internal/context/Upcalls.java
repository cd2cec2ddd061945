package io.jtls.internal.context;

import io.jtls.internal.openssl.NativeLibrary;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;

/** Makes the once-per-process upcall stubs of this package's callbacks (which stay private). */
final class Upcalls {
    private Upcalls() {}

    /** A stub for a static method of the lookup's class; {@code lookup} is that class's own. */
    static MemorySegment stub(MethodHandles.Lookup lookup, String method, FunctionDescriptor descriptor) {
        try {
            MethodHandle target = lookup.findStatic(lookup.lookupClass(), method, descriptor.toMethodType());
            return NativeLibrary.upcall(target, descriptor);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("bad upcall target " + lookup.lookupClass().getName() + "." + method, e);
        }
    }
}
