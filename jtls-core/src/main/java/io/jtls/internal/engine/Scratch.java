package io.jtls.internal.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Per-thread native memory for the engine's I/O calls, so that no call allocates.
 *
 * <p>{@link #buffer()} is where heap {@code ByteBuffer}s are copied through (direct buffers
 * go to OpenSSL as they are, through {@code MemorySegment.ofBuffer}); {@link #sizeOut()} is
 * the {@code size_t *} out-parameter of {@code SSL_read_ex}/{@code SSL_write_ex}. One set per
 * thread rather than per engine: an idle connection then holds none of it (DESIGN.md,
 * "Performance shape"), and a loop thread serves all its connections with one. The memory
 * lives in an automatic arena: it is freed when its thread is gone.
 *
 * <p>Only the engine's own calls use it, never an upcall (an upcall may run while an engine
 * call on the same thread is using it).
 */
final class Scratch {
    /**
     * The largest TLS record on the wire: 5 bytes of header and at most 2^14 + 2048 bytes of
     * ciphertext (RFC 5246 section 6.2.3; TLS 1.3 allows less). One record per copy suits
     * both directions.
     */
    static final int SIZE = 5 + 16384 + 2048;

    private static final ThreadLocal<Scratch> PER_THREAD = ThreadLocal.withInitial(Scratch::new);

    private final MemorySegment buffer;
    private final MemorySegment sizeOut;

    private Scratch() {
        Arena arena = Arena.ofAuto();
        this.buffer = arena.allocate(SIZE, 16);
        this.sizeOut = arena.allocate(ValueLayout.JAVA_LONG);
    }

    static Scratch get() {
        return PER_THREAD.get();
    }

    /** {@link #SIZE} bytes for copying heap buffers through. */
    MemorySegment buffer() {
        return buffer;
    }

    /** One {@code size_t} for an out-parameter. */
    MemorySegment sizeOut() {
        return sizeOut;
    }

    long size() {
        return sizeOut.get(ValueLayout.JAVA_LONG, 0);
    }
}
