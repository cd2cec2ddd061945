package io.jtls.support;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * What the process holds from glibc's malloc, through {@code struct mallinfo2 mallinfo2(void)}
 * (glibc 2.33+) called with the FFM linker: the memory OpenSSL allocates, which no count of
 * native objects sees when it is plain buffers (a BIO's storage, a record buffer).
 */
public final class GlibcHeap {
    /** Ten {@code size_t} fields: arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost. */
    private static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("arena"), ValueLayout.JAVA_LONG.withName("ordblks"),
            ValueLayout.JAVA_LONG.withName("smblks"), ValueLayout.JAVA_LONG.withName("hblks"),
            ValueLayout.JAVA_LONG.withName("hblkhd"), ValueLayout.JAVA_LONG.withName("usmblks"),
            ValueLayout.JAVA_LONG.withName("fsmblks"), ValueLayout.JAVA_LONG.withName("uordblks"),
            ValueLayout.JAVA_LONG.withName("fordblks"), ValueLayout.JAVA_LONG.withName("keepcost"));
    private static final MethodHandle MALLINFO2 = Linker.nativeLinker().defaultLookup().find("mallinfo2")
            .map(address -> Linker.nativeLinker().downcallHandle(address, FunctionDescriptor.of(LAYOUT)))
            .orElse(null);

    private GlibcHeap() {}

    /**
     * Bytes in use from malloc: small blocks in use plus mmapped blocks, over every arena.
     *
     * @return the bytes, or -1 where {@code mallinfo2} does not exist (not glibc, or older)
     */
    public static long bytesInUse() {
        if (MALLINFO2 == null) {
            return -1;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = (MemorySegment) MALLINFO2.invokeExact((SegmentAllocator) arena);
            return field(info, "uordblks") + field(info, "hblkhd");
        } catch (Throwable e) {
            throw new IllegalStateException("mallinfo2", e);
        }
    }

    private static long field(MemorySegment info, String name) {
        return info.get(ValueLayout.JAVA_LONG, LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(name)));
    }
}
