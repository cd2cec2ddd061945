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
 * <h2>Nothing shared between threads per object</h2>
 * Every connection adds and removes one id, from whichever event loop runs it, so one table
 * with one lock would be a lock that all loops take twice per connection. The table is split
 * into shards: each thread adds to its own shard (the first {@value #MAX_SHARDS} threads get
 * one each, later ones share: {@code ThreadShards}), the shard's number is part of the id, and
 * removing goes to the shard the id names. A shard's lock is therefore taken by one thread, except when an object is
 * removed on another thread than the one that added it (the Cleaner, an engine handed over):
 * it guards a few array writes. Lookup takes no lock at all: two reads of volatile arrays
 * (the shards, the shard's slots), every upcall.
 *
 * @param <T> what the ids stand for
 */
public final class WeakIdTable<T> {
    /** Bits of an id that number the slot inside its shard; the bits above number the shard. */
    private static final int SLOT_BITS = 23;
    private static final int SLOT_MASK = (1 << SLOT_BITS) - 1;
    /** Shards at most: ids stay positive ints (8 bits of shard, 23 of slot). */
    static final int MAX_SHARDS = 1 << (31 - SLOT_BITS);

    /** A shard per adding thread, numbered 0, 1, ... in the order the threads first added. */
    private final ThreadShards<Shard<T>> shards = new ThreadShards<>(MAX_SHARDS, Shard::new);

    /**
     * Gives {@code value} an id (&gt; 0) until {@link #remove(int)}.
     *
     * @param value the object the id stands for
     * @return the id, never 0
     * @throws IllegalStateException when this thread's shard holds 2^23 - 1 ids already
     */
    public int add(T value) {
        Shard<T> shard = shards.mine();
        return (shard.index << SLOT_BITS) | shard.add(value);
    }

    /**
     * Releases an id (idempotent); its object is no longer found.
     *
     * @param id an id from {@link #add}; 0 and unknown ids are ignored
     */
    public void remove(int id) {
        Shard<T> shard = shardOf(id);
        if (shard != null) {
            shard.remove(id & SLOT_MASK);
        }
    }

    /**
     * The object with this id, or null (unknown id, removed, or collected). Lock-free.
     *
     * @param id the id, as kept in native memory
     * @return the object, or null
     */
    public T lookup(long id) {
        if (id <= 0 || id > Integer.MAX_VALUE) {
            return null;
        }
        Shard<T> shard = shardOf((int) id);
        return shard == null ? null : shard.lookup((int) id & SLOT_MASK);
    }

    private Shard<T> shardOf(int id) {
        if (id <= 0) {
            return null;
        }
        return shards.at(id >>> SLOT_BITS);
    }

    /**
     * Ids handed out and not removed yet (for tests: it must return to its start value).
     *
     * @return the number of live ids, over all shards
     */
    public int liveCount() {
        int total = 0;
        for (int i = 0, n = shards.count(); i < n; i++) {
            total += shards.at(i).liveCount();
        }
        return total;
    }

    /** Shards made so far (for tests). */
    int shardCount() {
        return shards.count();
    }

    /** One thread's ids: a slot array read without a lock, changed under this shard's lock. */
    private static final class Shard<T> {
        final int index;
        @SuppressWarnings("unchecked")
        private volatile WeakReference<T>[] slots = (WeakReference<T>[]) new WeakReference<?>[16];
        /** Free slots as a stack; grows with the table. */
        private int[] free = new int[0];
        private int freeCount;
        /** The next slot never handed out yet (slot 0 never is: id 0 would mean "not ours" for shard 0). */
        private int nextFresh = 1;
        private int live;

        Shard(int index) {
            this.index = index;
        }

        synchronized int add(T value) {
            int slot;
            if (freeCount > 0) {
                slot = free[--freeCount];
            } else {
                if (nextFresh > SLOT_MASK) {
                    throw new IllegalStateException("more than " + SLOT_MASK + " live ids on one thread");
                }
                slot = nextFresh++;
                if (slot >= slots.length) {
                    slots = Arrays.copyOf(slots, slots.length * 2);
                }
            }
            slots[slot] = new WeakReference<>(value);
            live++;
            return slot;
        }

        synchronized void remove(int slot) {
            WeakReference<T>[] table = slots;
            if (slot <= 0 || slot >= table.length || table[slot] == null) {
                return;
            }
            table[slot] = null;
            if (freeCount == free.length) {
                free = Arrays.copyOf(free, Math.max(16, free.length * 2));
            }
            free[freeCount++] = slot;
            live--;
        }

        T lookup(int slot) {
            WeakReference<T>[] table = slots;
            if (slot <= 0 || slot >= table.length) {
                return null;
            }
            WeakReference<T> ref = table[slot];
            return ref == null ? null : ref.get();
        }

        synchronized int liveCount() {
            return live;
        }
    }
}
