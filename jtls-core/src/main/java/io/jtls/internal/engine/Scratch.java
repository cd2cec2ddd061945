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
     * Four records' worth of plaintext (4 x 2^14): large enough that a heap write is encrypted
     * a few full records per {@code SSL_write}, and a multiple of every power-of-two maximum
     * fragment, so the copy is cut on record boundaries (TlsEngine cuts at a multiple of the
     * fragment it uses). Larger than any record on the wire, so ciphertext copies take whole
     * records too.
     */
    static final int SIZE = 4 * 16384;

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
