package io.jtls.internal.openssl;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;

/**
 * C types of the OpenSSL API on LP64 Linux, and the few helpers every binding class needs.
 * Binding classes name parameters with these so a prototype reads like the C header.
 */
public final class Types {
    private Types() {}

    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    /** {@code long} and {@code unsigned long} (LP64). */
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfLong C_SIZE_T = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfLong C_UINT64 = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfByte C_CHAR = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfShort C_SHORT = ValueLayout.JAVA_SHORT;
    public static final ValueLayout.OfDouble C_DOUBLE = ValueLayout.JAVA_DOUBLE;
    /** Any pointer. */
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS;

    /** A NUL-terminated C string read from native memory; {@code null} for a NULL pointer. */
    public static String cString(MemorySegment pointer) {
        if (pointer == null || pointer.equals(MemorySegment.NULL)) {
            return null;
        }
        return pointer.reinterpret(Integer.MAX_VALUE).getString(0);
    }

    /** A C string allocated in the given arena. */
    public static MemorySegment cString(SegmentAllocator allocator, String value) {
        return value == null ? MemorySegment.NULL : allocator.allocateFrom(value);
    }

    /** Copies {@code length} bytes from native memory. */
    public static byte[] bytes(MemorySegment pointer, long length) {
        return pointer.reinterpret(length).toArray(ValueLayout.JAVA_BYTE);
    }

    public static boolean isNull(MemorySegment pointer) {
        return pointer == null || pointer.address() == 0;
    }
}
