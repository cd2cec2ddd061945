package io.jtls.jsse;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;

/**
 * Per-thread direct memory that {@link JtlsSslEngine} lends to the jtls engine in place of a
 * caller's heap buffer: a heap record is copied in and lent (OpenSSL reads it in place), a record
 * for a heap destination is written into it and copied out. So a heap caller costs one Java copy
 * per record each way and no native allocation: without it the record would go through the
 * engine's storage, allocated and freed again for each one. Per thread rather than per engine,
 * as jtls-core's own scratch memory: an idle engine holds none of it. Its memory comes from an
 * automatic arena (freed once the thread and its buffer are gone), as jtls-core's: not from the
 * JVM's direct buffer budget, which many threads' buffers could exhaust.
 *
 * <p>A loan lasts one {@code wrap} or {@code unwrap} call. The engine's key manager and ALPN
 * callbacks run inside an {@code unwrap} on the same thread: should one of them drive another jtls
 * engine, that call finds this thread's buffer busy and gets a fresh one.
 */
final class LoanScratch {
    /** The largest record on the wire, header included (TLS 1.2's 2^14 + 2048 bytes of body). */
    static final int SIZE = 5 + 16384 + 2048;

    private static final ThreadLocal<LoanScratch> PER_THREAD = ThreadLocal.withInitial(LoanScratch::new);

    private final ByteBuffer buffer = direct();
    private boolean busy;

    private LoanScratch() {}

    /** This thread's buffer, cleared, until {@link #release}; a fresh one if it is already out. */
    static ByteBuffer acquire() {
        LoanScratch scratch = PER_THREAD.get();
        if (scratch.busy) {
            return direct();
        }
        scratch.busy = true;
        return scratch.buffer.clear();
    }

    private static ByteBuffer direct() {
        return Arena.ofAuto().allocate(SIZE, 16).asByteBuffer();
    }

    /** Gives back what {@link #acquire} returned. */
    static void release(ByteBuffer buffer) {
        LoanScratch scratch = PER_THREAD.get();
        if (buffer == scratch.buffer) {
            scratch.busy = false;
        }
    }
}
