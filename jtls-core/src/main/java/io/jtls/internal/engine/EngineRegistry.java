package io.jtls.internal.engine;

import java.lang.ref.WeakReference;
import java.util.Arrays;

/**
 * The table of live engines that OpenSSL's upcalls use to find their connection.
 *
 * <p>No Java reference is ever stored in native memory: each engine gets a small positive
 * integer id, kept in its {@code SSL}'s ex_data slot as a pointer-sized number, and an
 * upcall turns {@code SSL_get_ex_data(ssl, index)} back into the engine with
 * {@link #lookup(long)}. Ids are reused after {@link #unregister(int)}; id 0 is never
 * handed out, so a NULL ex_data means "not one of ours".
 *
 * <p>Registration takes a lock (once per connection); lookup is a plain read of a
 * volatile array (on every upcall). An engine registers before its {@code SSL} can call
 * back and unregisters after it can no longer do so.
 *
 * <p>The table holds its engines weakly: an engine its owner forgot to close stays
 * collectable, so its native handle's Cleaner can still free the {@code SSL} and count the
 * leak. (An upcall runs inside a call on the engine, so the engine is strongly reachable
 * whenever it is looked up.)
 */
final class EngineRegistry {
    private static final Object LOCK = new Object();
    @SuppressWarnings("unchecked")
    private static volatile WeakReference<TlsEngine>[] slots = (WeakReference<TlsEngine>[]) new WeakReference<?>[64];
    /** Free ids as a stack (ids, not indexes into {@code slots}); grows with the table. */
    private static int[] free = new int[0];
    private static int freeCount;
    /** The next id never handed out yet. */
    private static int nextFresh = 1;
    private static int live;

    private EngineRegistry() {}

    /** Gives {@code engine} an id (&gt; 0) until {@link #unregister(int)}. */
    static int register(TlsEngine engine) {
        synchronized (LOCK) {
            int id;
            if (freeCount > 0) {
                id = free[--freeCount];
            } else {
                id = nextFresh++;
                if (id >= slots.length) {
                    slots = Arrays.copyOf(slots, slots.length * 2);
                }
            }
            slots[id] = new WeakReference<>(engine);
            live++;
            return id;
        }
    }

    /** Releases an id; the engine is no longer found by upcalls. */
    static void unregister(int id) {
        synchronized (LOCK) {
            if (id <= 0 || id >= slots.length || slots[id] == null) {
                return;
            }
            slots[id] = null;
            if (freeCount == free.length) {
                free = Arrays.copyOf(free, Math.max(16, free.length * 2));
            }
            free[freeCount++] = id;
            live--;
        }
    }

    /** The engine with this id, or null (unknown id, or the engine was closed). */
    static TlsEngine lookup(long id) {
        WeakReference<TlsEngine>[] table = slots;
        if (id <= 0 || id >= table.length) {
            return null;
        }
        WeakReference<TlsEngine> ref = table[(int) id];
        return ref == null ? null : ref.get();
    }

    /** Engines registered now (for tests: it must return to its start value). */
    static int liveCount() {
        synchronized (LOCK) {
            return live;
        }
    }
}
