package io.jtls.soak;

import io.jtls.internal.openssl.NativeKind;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * One sample of what a process holds, for the soak: resident memory, Java heap after a full GC,
 * glibc's native heap in use ({@code mallinfo2()}: what OpenSSL allocated, including what the
 * Java-side live counts cannot see), jtls's live native objects, open file descriptors and
 * threads.
 *
 * @param rssKib        resident set size ({@code VmRSS}), KiB
 * @param heapKib       Java heap used after {@code System.gc()}, KiB
 * @param mallocKib     glibc heap in use: {@code uordblks + hblkhd} of {@code mallinfo2()}, KiB
 * @param liveNatives   OpenSSL objects a Java owner holds ({@link NativeKind#liveTotal()})
 * @param fds           open file descriptors ({@code /proc/self/fd})
 * @param threads       live Java threads
 */
record SoakSample(long rssKib, long heapKib, long mallocKib, long liveNatives, long fds, long threads) {
    /** The metric names, in {@link #values()} order. */
    static final String[] NAMES = {"rss KiB", "heap KiB", "malloc KiB", "natives", "fds", "threads"};

    long[] values() {
        return new long[] {rssKib, heapKib, mallocKib, liveNatives, fds, threads};
    }

    /** Takes a sample now (two full GCs first, so that the heap figure is what is reachable). */
    static SoakSample take() {
        System.gc();
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024;
        return new SoakSample(readRssKib(), heap, MallInfo.inUseBytes() / 1024, NativeKind.liveTotal(), countFds(),
                ManagementFactory.getThreadMXBean().getThreadCount());
    }

    private static long readRssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static long countFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** glibc's {@code struct mallinfo2 mallinfo2(void)} (glibc 2.33+), called through the FFM linker. */
    static final class MallInfo {
        private MallInfo() {}

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

        /** Bytes the program holds from malloc: small blocks in use plus mmapped blocks; -1 without mallinfo2. */
        static long inUseBytes() {
            if (MALLINFO2 == null) {
                return -1;
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment info = (MemorySegment) MALLINFO2.invokeExact((java.lang.foreign.SegmentAllocator) arena);
                return info.get(ValueLayout.JAVA_LONG, LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("uordblks")))
                        + info.get(ValueLayout.JAVA_LONG, LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("hblkhd")));
            } catch (Throwable e) {
                throw new IllegalStateException("mallinfo2", e);
            }
        }
    }
}
