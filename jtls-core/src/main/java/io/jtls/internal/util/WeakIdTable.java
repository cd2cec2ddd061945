package io.jtls.internal.util;

import java.lang.ref.WeakReference;
import java.util.Arrays;

/**
 * Small positive ids for Java objects that native code must point back to, held weakly.
 *
 * <p>No Java reference is ever stored in native memory: an object gets an id, the id is kept
 * in an OpenSSL ex_data slot as a pointer-sized number, and an upcall turns it back into the
 * object with {@link #lookup(long)}. Id 0 is never handed out, so NULL ex_data means "not
 * ours". Ids are reused after {@link #remove(int)}.
 *
 * <p>The table holds its objects weakly so that it never pins anything: an object its owner
 * forgot to close stays collectable, and the Cleaner of its native handle can free the native
 * object and report the leak. Whoever frees the native object removes the id (a Cleaner action
 * may do it: it must not capture the object itself). An upcall always runs inside a call on the
 * object, which keeps it strongly reachable while it is looked up.
 *
 * <p>Adding and removing take a lock (once per object); lookup is a plain read of a volatile
 * array (every upcall).
 *
 * @param <T> what the ids stand for
 */
public final class WeakIdTable<T> {
    private final Object lock = new Object();
    @SuppressWarnings("unchecked")
    private volatile WeakReference<T>[] slots = (WeakReference<T>[]) new WeakReference<?>[64];
    /** Free ids as a stack; grows with the table. */
    private int[] free = new int[0];
    private int freeCount;
    /** The next id never handed out yet. */
    private int nextFresh = 1;
    private int live;

    /** Gives {@code value} an id (&gt; 0) until {@link #remove(int)}. */
    public int add(T value) {
        synchronized (lock) {
            int id;
            if (freeCount > 0) {
                id = free[--freeCount];
            } else {
                id = nextFresh++;
                if (id >= slots.length) {
                    slots = Arrays.copyOf(slots, slots.length * 2);
                }
            }
            slots[id] = new WeakReference<>(value);
            live++;
            return id;
        }
    }

    /** Releases an id (idempotent); its object is no longer found. */
    public void remove(int id) {
        synchronized (lock) {
            WeakReference<T>[] table = slots;
            if (id <= 0 || id >= table.length || table[id] == null) {
                return;
            }
            table[id] = null;
            if (freeCount == free.length) {
                free = Arrays.copyOf(free, Math.max(16, free.length * 2));
            }
            free[freeCount++] = id;
            live--;
        }
    }

    /** The object with this id, or null (unknown id, removed, or collected). */
    public T lookup(long id) {
        WeakReference<T>[] table = slots;
        if (id <= 0 || id >= table.length) {
            return null;
        }
        WeakReference<T> ref = table[(int) id];
        return ref == null ? null : ref.get();
    }

    /** Ids handed out and not removed yet (for tests: it must return to its start value). */
    public int liveCount() {
        synchronized (lock) {
            return live;
        }
    }
}
