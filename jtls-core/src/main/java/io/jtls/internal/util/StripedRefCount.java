package io.jtls.internal.util;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * The reference count of a shared native object with an owner (a {@code SSL_CTX} that every
 * connection of every event loop retains at {@code SSL_new} and releases at {@code SSL_free}),
 * split into stripes so that loops on different cores do not write one word per connection.
 *
 * <h2>What it promises</h2>
 * <ul>
 *   <li>The object starts with its owner's reference, dropped by {@link #close()} (idempotent).</li>
 *   <li>{@link #retain()} takes a reference until {@link #release()}; it fails (returns false,
 *       holding nothing) once the owner closed.</li>
 *   <li>The free action given to the constructor runs exactly once, on whichever thread drops
 *       the last reference, only after the owner closed and every successful retain was
 *       released. A retain racing with close either succeeds (and the object lives until that
 *       reference is released) or fails having touched nothing but this counter.</li>
 *   <li>A release without its retain is detected when the count is summed, that is once the
 *       owner closed: the release that finds the sum below zero (or finds the object freed)
 *       throws {@link IllegalStateException} and is not counted; a surplus release made before
 *       the owner's close makes {@link #close()} throw instead, and the object is then never
 *       freed through this counter (a leak, which its owner's Cleaner backstop reports, rather
 *       than a free under a holder's feet).</li>
 * </ul>
 *
 * <h2>How (the idea of {@link java.util.concurrent.atomic.LongAdder}, with a close protocol)</h2>
 * Each thread adds to its own stripe ({@code ThreadShards}: a thread keeps its stripe, the first
 * threads get one each, later ones share round-robin): {@code +1} on retain, {@code -1} on
 * release, each an atomic {@code getAndAdd} on that stripe's padded cell (a cell per cache line,
 * made the first time a thread of that stripe counts). A release may run on another thread than
 * its retain (the Cleaner, an engine handed over), so a stripe may go negative: only the sum
 * means anything. Summing reads the stripes one after the other, not at one instant, so nobody
 * looks at the sum before the owner closed, and the protocol makes the sum taken after close
 * safe to act on:
 * <ol>
 *   <li>{@code close()} sets the volatile {@code closed} flag (by CAS: once), then sums.</li>
 *   <li>{@code retain()} adds {@code +1}, then reads {@code closed}. If it is still false, the
 *       {@code +1} came before the flag's write in the total order of volatile accesses (all the
 *       accesses here are volatile or atomic read-modify-writes, hence sequentially consistent),
 *       so every sum, which is taken after the flag's write, sees it. If it is true, the retain
 *       failed: it adds {@code -1} on the same stripe and sums, as a release would (it may be the
 *       last to leave).</li>
 *   <li>{@code release()} adds {@code -1}, then, if {@code closed} is set, sums.</li>
 *   <li>Whoever sums and finds 0 frees, guarded by a CAS of the {@code freed} flag: two parties
 *       can both find 0, only one frees.</li>
 * </ol>
 * Why a sum of 0 means "nobody holds a reference, nor ever will": every successful {@code +1}
 * precedes the flag's write, so a sum sees all of them; a failed retain's {@code -1} follows
 * its {@code +1} on the same cell, so a sum sees either both, the {@code +1} alone or neither
 * (never a {@code -1} alone); a release's {@code -1} is seen or not. Hence the sum is at least
 * (successful retains) - (releases done by the end of the sum), which is the number of holders
 * then; after close no retain succeeds, so 0 holders then is 0 for ever. The same bound shows
 * that a negative sum is always a surplus release, never an artefact of summing while others
 * count. And someone does free: take, in that total order, the last of the flag's write and
 * every {@code -1}. Whoever performed it sums afterwards (the closer always; a decrement that
 * read {@code closed} false came before the flag's write, so it was not the last), and that
 * sum sees every {@code +1} and {@code -1}: it is exactly 0.
 */
public final class StripedRefCount {
    /** Stripes per count: enough for the threads that run at once (two per core), a power of two. */
    static final int STRIPES = stripes(Runtime.getRuntime().availableProcessors());
    /** A thread's stripe number, the same for every count: a thread counts on the same stripe of each. */
    private static final ThreadShards<Integer> STRIPE_OF_THREAD = new ThreadShards<>(STRIPES, Integer::valueOf);

    private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(Cell[].class);
    private static final VarHandle CLOSED;
    private static final VarHandle FREED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            CLOSED = lookup.findVarHandle(StripedRefCount.class, "closed", boolean.class);
            FREED = lookup.findVarHandle(StripedRefCount.class, "freed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Made one by one as threads of each stripe first count; read and set through {@link #CELLS}. */
    private final Cell[] cells = new Cell[STRIPES];
    private final Runnable free;
    private volatile boolean closed;
    private volatile boolean freed;

    /**
     * A count holding its owner's reference.
     *
     * @param free what frees the object: run once, by the thread that drops the last reference
     */
    public StripedRefCount(Runnable free) {
        this.free = Objects.requireNonNull(free, "free");
    }

    /**
     * Takes a reference, unless the owner closed.
     *
     * @return true with a reference to {@link #release()}; false, holding nothing, once the owner closed
     */
    public boolean retain() {
        if (closed) {
            return false; // the common refusal, without writing anything
        }
        Cell cell = cell();
        cell.add(1);
        if (closed) { // close's flag came first: this +1 may have been missed by its sum
            cell.add(-1);
            if (sum() == 0) {
                freeOnce(); // the owner and every holder left while this retain was counted
            }
            return false;
        }
        return true;
    }

    /**
     * Drops a reference from {@link #retain()}; the last one (after the owner's close) frees.
     *
     * @throws IllegalStateException when this release has no retain: the object was freed
     *         already, or (after close) the sum went below zero; the release is not counted
     */
    public void release() {
        if (freed) {
            throw new IllegalStateException("released more often than retained");
        }
        Cell cell = cell();
        cell.add(-1);
        if (closed) {
            long sum = sum();
            if (sum == 0) {
                freeOnce();
            } else if (sum < 0) {
                cell.add(1); // not counted: the holders' sum is as it was
                if (sum() == 0) {
                    freeOnce();
                }
                throw new IllegalStateException("released more often than retained");
            }
        }
    }

    /**
     * Drops the owner's reference (once; later calls do nothing); frees if nobody else holds one.
     *
     * @return true for the call that closed, false for later ones
     * @throws IllegalStateException when more releases than retains were counted before: the
     *         object is then left for its owner's leak backstop, never freed by this count
     */
    public boolean close() {
        if (!CLOSED.compareAndSet(this, false, true)) {
            return false;
        }
        long sum = sum();
        if (sum == 0) {
            freeOnce();
        } else if (sum < 0) {
            throw new IllegalStateException("released more often than retained");
        }
        return true;
    }

    /** @return true once the owner closed */
    public boolean isClosed() {
        return closed;
    }

    /** @return true once the free action ran (or is running) */
    public boolean isFreed() {
        return freed;
    }

    /**
     * References held now besides the owner's: a sum over the stripes, exact when no thread is
     * retaining or releasing; for tests and diagnostics, never for deciding anything.
     *
     * @return the references retained and not released, 0 once freed
     */
    public long held() {
        return freed ? 0 : Math.max(0, sum());
    }

    /** The least power of two at or above {@code 2 * cores}, at most 64. */
    static int stripes(int cores) {
        return Math.min(64, Integer.highestOneBit(2 * Math.max(1, cores) - 1) << 1);
    }

    /** The calling thread's stripe number, 0 to {@link #STRIPES} - 1, the same in every count. */
    static int stripeOfThisThread() {
        return STRIPE_OF_THREAD.mine();
    }

    /** Cells made so far: one per stripe that counted (for tests). */
    int cellsMade() {
        int made = 0;
        for (int i = 0; i < STRIPES; i++) {
            if (CELLS.getVolatile(cells, i) != null) {
                made++;
            }
        }
        return made;
    }

    private void freeOnce() {
        if (FREED.compareAndSet(this, false, true)) {
            free.run();
        }
    }

    private long sum() {
        long total = 0;
        for (int i = 0; i < STRIPES; i++) {
            Cell cell = (Cell) CELLS.getVolatile(cells, i);
            if (cell != null) {
                total += cell.value;
            }
        }
        return total;
    }

    /** The calling thread's cell, made on the first count of its stripe. */
    private Cell cell() {
        int stripe = stripeOfThisThread();
        Cell cell = (Cell) CELLS.getVolatile(cells, stripe);
        if (cell == null) {
            Cell made = new Cell();
            cell = (Cell) CELLS.compareAndExchange(cells, stripe, null, made);
            if (cell == null) {
                cell = made;
            }
        }
        return cell;
    }

    /** Fills the cache line before a cell's value, so that two cells never share one. */
    @SuppressWarnings("unused")
    private static class PadBefore {
        long p1, p2, p3, p4, p5, p6, p7;
    }

    /** The value, between the paddings (a superclass's fields are laid out before a subclass's). */
    private static class CellValue extends PadBefore {
        private static final VarHandle VALUE;

        static {
            try {
                VALUE = MethodHandles.lookup().findVarHandle(CellValue.class, "value", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        volatile long value;

        void add(long delta) {
            VALUE.getAndAdd(this, delta);
        }
    }

    /** One stripe: its value padded on both sides to a cache line. */
    @SuppressWarnings("unused")
    private static final class Cell extends CellValue {
        long q1, q2, q3, q4, q5, q6, q7;
    }
}
