package io.jtls.internal.tls;

import java.nio.ByteBuffer;

/**
 * The direct buffers a TLS connection borrows from its event-loop thread while it moves bytes
 * through the engine: plaintext read out of OpenSSL ({@code clearOut}), ciphertext read out
 * ({@code encOut}), and a staging buffer where small writes are gathered into full records.
 * An idle connection holds none of them (DESIGN.md, "Performance shape").
 *
 * <p>Buffers are per thread and stacked: a connection takes one with {@code acquire*} and gives
 * it back with {@link #release()} in a {@code finally}. Stacking matters because handing bytes
 * on can re-enter another connection on the same thread (TLS inside TLS: the outer socket's
 * plaintext is the inner socket's ciphertext, delivered synchronously), and that connection
 * must not overwrite a buffer still being read.
 */
public final class LoopBuffers {
    /** Plaintext per {@code clearOut}: several records delivered as one chunk. */
    static final int PLAINTEXT_SIZE = 64 * 1024;
    /**
     * Ciphertext per {@code encOut}: a handful of records per transport write. Larger than
     * {@link #PLAINTEXT_SIZE} by more than the record overhead (a 5-byte header, a tag and
     * padding, up to 256 bytes per 16 KiB record), so that 64 KiB of plaintext leaves in one
     * transport write rather than a full buffer and a few leftover bytes.
     */
    static final int CIPHERTEXT_SIZE = 64 * 1024 + 4 * 1024;
    /** One full TLS record of plaintext (the maximum fragment): the unit writes are cut into. */
    public static final int RECORD_SIZE = 16 * 1024;
    /** Where small writes are coalesced: a whole number of records, so a full one cuts into full records. */
    static final int STAGING_SIZE = 4 * RECORD_SIZE;

    private static final int MAX_DEPTH = 8;
    private static final ThreadLocal<LoopBuffers> PER_THREAD = ThreadLocal.withInitial(LoopBuffers::new);

    private final ByteBuffer[] plaintext = new ByteBuffer[MAX_DEPTH];
    private final ByteBuffer[] ciphertext = new ByteBuffer[MAX_DEPTH];
    private final ByteBuffer[] staging = new ByteBuffer[MAX_DEPTH];
    private int depth;

    private LoopBuffers() {}

    /** This thread's buffers. */
    public static LoopBuffers get() {
        return PER_THREAD.get();
    }

    /** A cleared plaintext buffer; call {@link #release()} when done. */
    public ByteBuffer acquirePlaintext() {
        return take(plaintext, PLAINTEXT_SIZE);
    }

    /** A cleared ciphertext buffer; call {@link #release()} when done. */
    public ByteBuffer acquireCiphertext() {
        return take(ciphertext, CIPHERTEXT_SIZE);
    }

    /** A cleared staging buffer of {@link #STAGING_SIZE} bytes; call {@link #release()} when done. */
    public ByteBuffer acquireStaging() {
        return take(staging, STAGING_SIZE);
    }

    /** Gives back the buffer acquired last. */
    public void release() {
        depth--;
    }

    private ByteBuffer take(ByteBuffer[] pool, int size) {
        int level = depth++;
        if (level >= MAX_DEPTH) {
            return ByteBuffer.allocateDirect(size); // absurdly deep nesting: correct, just not pooled
        }
        ByteBuffer buffer = pool[level];
        if (buffer == null) {
            buffer = ByteBuffer.allocateDirect(size);
            pool[level] = buffer;
        }
        return buffer.clear();
    }
}
