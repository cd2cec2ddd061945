package io.jtls.internal.openssl;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The single Java owner of one reference to one OpenSSL object.
 *
 * <p>Rules (DESIGN.md, "Native memory rules"):
 * <ul>
 *   <li>{@link #close()} frees the reference exactly once; later calls do nothing.</li>
 *   <li>{@link #get()} after close throws {@link IllegalStateException}: nothing native is
 *       touched after close.</li>
 *   <li>{@link #release()} hands the reference to OpenSSL (for the {@code set0}/{@code add0}
 *       calls that take ownership): the handle forgets the pointer without freeing it.</li>
 *   <li>A {@link Cleaner} frees a handle that became unreachable without being closed, and
 *       counts it as a leak ({@link NativeKind#leaked()}): a backstop, never the plan.</li>
 *   <li>Except for a handle made by {@link #ownAlwaysClosed}: its owner is jtls code that closes
 *       it on every path (a socket's engine, freed when the socket is destroyed), so it skips
 *       the Cleaner. Registering with a {@code Cleaner} takes that Cleaner's lock (one list for
 *       the process) and adds a reference the GC must process: a cost for objects a user can
 *       leak, not for one made and freed per connection by every event loop.</li>
 * </ul>
 * Closing is thread-safe, but the owner must make sure no other thread is inside a native
 * call with the pointer while it closes (the connection's loop thread owns its objects).
 */
public final class NativeHandle implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create(runnable -> {
        Thread t = new Thread(runnable, "jtls-native-cleaner");
        t.setDaemon(true);
        return t;
    });
    private static final System.Logger LOG = System.getLogger("io.jtls.native");

    private final State state;
    /** Null for a handle its owner always closes ({@link #ownAlwaysClosed}): no Cleaner then. */
    private final Cleaner.Cleanable cleanable;

    private NativeHandle(NativeKind kind, MemorySegment pointer, Runnable afterFree, boolean cleaner) {
        this.state = new State(kind, pointer, afterFree);
        if (cleaner) {
            this.cleanable = CLEANER.register(this, state);
            kind.registeredWithCleaner();
        } else {
            this.cleanable = null;
        }
    }

    /**
     * Takes ownership of a pointer that OpenSSL returned with a reference for the caller
     * ({@code *_new}, {@code get1}, {@code d2i}, ...).
     *
     * @throws NullPointerException for a NULL pointer: callers check the C result first
     */
    public static NativeHandle own(NativeKind kind, MemorySegment pointer) {
        return make(kind, pointer, null, true);
    }

    /**
     * Like {@link #own(NativeKind, MemorySegment)}, and runs {@code afterFree} once the object was
     * freed, whether by {@link #close()} or by the Cleaner (not after {@link #release()}): what
     * the native object kept alive on the Java side (an id in an upcall table, a reference on
     * its context) goes with it even when its owner forgot to close it. {@code afterFree} must
     * not capture the owner, or the owner never becomes collectable.
     */
    public static NativeHandle own(NativeKind kind, MemorySegment pointer, Runnable afterFree) {
        return make(kind, pointer, afterFree, true);
    }

    /**
     * Like {@link #own(NativeKind, MemorySegment, Runnable)} but without the Cleaner backstop, for
     * an owner inside jtls that closes the handle on every path, however its user behaves (a
     * connection's engine, which the socket frees when it is destroyed). Counted in
     * {@link NativeKind#live()} all the same, so that a path that forgot to close it shows up in
     * the leak checks; a handle nobody closes is never freed (nor reported by the Cleaner).
     *
     * @param kind what the pointer is
     * @param pointer the pointer, with a reference for the caller
     * @param afterFree run once after the object was freed by {@link #close()} (not after {@link #release()})
     * @return the owning handle
     * @throws NullPointerException for a NULL pointer
     */
    public static NativeHandle ownAlwaysClosed(NativeKind kind, MemorySegment pointer, Runnable afterFree) {
        return make(kind, pointer, afterFree, false);
    }

    /**
     * A handle for a pointer used and freed inside one method, by try-with-resources (or a
     * {@code finally} in its caller): {@link #ownAlwaysClosed} without an after-free action. The
     * readers of a peer's certificate make a dozen of these per connection; the Cleaner would
     * add a process-wide lock to each for a handle that cannot be leaked.
     *
     * @param kind what the pointer is
     * @param pointer the pointer, with a reference for the caller
     * @return the owning handle
     * @throws NullPointerException for a NULL pointer
     */
    public static NativeHandle scoped(NativeKind kind, MemorySegment pointer) {
        return ownAlwaysClosed(kind, pointer, null);
    }

    private static NativeHandle make(NativeKind kind, MemorySegment pointer, Runnable afterFree, boolean cleaner) {
        if (Types.isNull(pointer)) {
            throw new NullPointerException("NULL " + kind);
        }
        kind.acquired();
        return new NativeHandle(kind, pointer, afterFree, cleaner);
    }

    public NativeKind kind() {
        return state.kind;
    }

    /** The pointer, valid until close. */
    public MemorySegment get() {
        if (state.status.get() != State.OPEN) {
            throw new IllegalStateException(state.kind + " already freed");
        }
        return state.pointer;
    }

    public boolean isOpen() {
        return state.status.get() == State.OPEN;
    }

    /** Hands the reference to OpenSSL: returns the pointer and forgets it without freeing it. */
    public MemorySegment release() {
        if (!state.status.compareAndSet(State.OPEN, State.RELEASED)) {
            throw new IllegalStateException(state.kind + " already freed or released");
        }
        state.kind.released();
        if (cleanable != null) {
            cleanable.clean(); // the state sees RELEASED and frees nothing
        }
        return state.pointer;
    }

    /** Frees the reference; idempotent. */
    @Override
    public void close() {
        if (state.status.compareAndSet(State.OPEN, State.CLOSING)) {
            if (cleanable != null) {
                cleanable.clean(); // runs the state once, and unregisters it
            } else {
                state.run();
            }
        }
    }

    @Override
    public String toString() {
        return state.kind + "@0x" + Long.toHexString(state.pointer.address())
                + (isOpen() ? "" : " (freed)");
    }

    /** Holds no reference to the handle, so that the handle can become unreachable. */
    private static final class State implements Runnable {
        static final int OPEN = 0;
        static final int CLOSING = 1;
        static final int CLOSED = 2;
        static final int RELEASED = 3;

        final NativeKind kind;
        final MemorySegment pointer;
        final AtomicInteger status = new AtomicInteger(OPEN);
        final Runnable afterFree;

        State(NativeKind kind, MemorySegment pointer, Runnable afterFree) {
            this.kind = kind;
            this.pointer = pointer;
            this.afterFree = afterFree;
        }

        @Override
        public void run() {
            if (status.get() == RELEASED) {
                return;
            }
            boolean leak = status.compareAndSet(OPEN, CLOSING);
            if (leak) {
                kind.leakedOne();
                LOG.log(System.Logger.Level.WARNING,
                        "jtls: leaked " + kind + " freed by the Cleaner; close() it explicitly");
            }
            try {
                kind.free(pointer);
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.ERROR, "jtls: " + kind.freeFunction() + " failed", t);
            } finally {
                status.set(CLOSED);
                kind.released();
                runAfterFree();
            }
        }

        private void runAfterFree() {
            if (afterFree == null) {
                return;
            }
            try {
                afterFree.run();
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.ERROR, "jtls: cleanup after " + kind.freeFunction() + " failed", t);
            }
        }
    }
}
