package io.jtls.soak;

import io.jtls.internal.openssl.NativeKind;
import io.jtls.support.GlibcHeap;
import java.io.IOException;
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
        return new SoakSample(readRssKib(), heap, GlibcHeap.bytesInUse() / 1024, NativeKind.liveTotal(), countFds(),
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
}
