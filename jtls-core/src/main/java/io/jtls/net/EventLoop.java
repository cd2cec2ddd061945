package io.jtls.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One thread that owns a {@link Selector}, a task queue and a timer heap: libuv's loop, on the
 * JDK's non-blocking channels.
 *
 * <p>Everything registered with a loop (sockets, servers, timers) is touched only by its thread,
 * so their state needs no locks. Other threads hand work over with {@link #execute(Runnable)}
 * (an unbounded lock-free queue plus one {@code Selector.wakeup()} per sleep) or
 * {@link #schedule(Duration, Runnable)}.
 *
 * <p>Each iteration runs due timers, waits for I/O (not at all when tasks are queued, at most
 * until the next timer otherwise), handles the ready channels, then runs queued tasks. A task or
 * handler that throws is logged and the loop goes on.
 *
 * <p>The loop owns one direct {@link #readBuffer() read buffer} that every connection on it
 * reads into: a connection keeps no buffer of its own while idle.
 *
 * <p>Time on a loop comes from its {@link LoopClock} ({@link System#nanoTime()} unless the loop
 * was built with another): timer deadlines, and {@link #nanoTime()} for code on the loop that
 * measures time. Tests give a loop a clock they move by hand, so that timeouts fire when the
 * test says so, not after a wall-clock wait.
 */
public final class EventLoop implements Executor {
    /**
     * Size of the loop-shared read buffer. 128 KiB makes receiving a bulk stream ~9 % cheaper per
     * MiB than 64 KiB (a TLS engine takes more records per read and per wake-up,
     * docs/performance.md). Reads whose bytes go to a program as chunks stop at {@link Duplex}'s
     * 64 KiB, Node's size, whatever this is. (Reverted once: larger reads made the TLS-inside-TLS
     * close race likelier, fixed since in {@code Socket.discardUnreadInput}.)
     */
    static final int READ_BUFFER_SIZE = 128 * 1024;
    private static final int MAX_TASKS_PER_TURN = 4096;

    private final Selector selector;
    private final Thread thread;
    private final LoopClock clock;
    /** Tasks handed over by other threads. */
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /**
     * Tasks the loop thread queued for itself (several per connection): no node allocation nor
     * atomic operation per task. They all precede what {@link #tasks} holds, because the loop
     * moves the handed-over tasks here before it adds one of its own: FIFO over both.
     */
    private final ArrayDeque<Runnable> ownTasks = new ArrayDeque<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final TimerQueue timers = new TimerQueue();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_SIZE);
    private static final int DISCARD_BUFFER_SIZE = 16 * 1024;
    private ByteBuffer discardBuffer; // allocated at the first use
    private final CountDownLatch terminated = new CountDownLatch(1);
    /** Channels whose keys were cancelled, to close after the next select (see {@link #closeWhenDeregistered}). */
    private ArrayList<Channel> toClose = new ArrayList<>();
    private ArrayList<Channel> closing = new ArrayList<>();
    private long timerSequence;
    private volatile boolean shuttingDown;
    /** Active referenced sockets and timers of this loop: only its 0/1 edges touch the process-wide count. */
    private final Liveness.Counter liveness = new Liveness.Counter();

    /**
     * Starts a loop on a new daemon thread called {@code name}, on the system clock.
     *
     * @param name the name
     */
    public EventLoop(String name) {
        this(name, LoopClock.system());
    }

    /**
     * Starts a loop on a new daemon thread called {@code name} whose timers follow {@code clock}
     * (for tests: a clock moved by hand makes timeouts deterministic).
     *
     * @param name the name
     * @param clock the clock
     */
    public EventLoop(String name, LoopClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
        thread.start();
    }

    /**
     * True when the caller is this loop's thread.
     *
     * @return true when the caller is this loop's thread
     */
    public boolean inEventLoop() {
        return Thread.currentThread() == thread;
    }

    /**
     * Runs {@code task} on the loop thread, after the work already queued (also when called from
     * the loop thread itself: then it runs later in this turn, like Node's {@code setImmediate}).
     *
     * @throws RejectedExecutionException after {@link #shutdown()}
     */
    @Override
    public void execute(Runnable task) {
        if (shuttingDown) throw new RejectedExecutionException("event loop " + thread.getName() + " is shut down");
        if (inEventLoop()) {
            for (Runnable earlier; (earlier = tasks.poll()) != null; ) ownTasks.add(earlier);
            ownTasks.add(task);
            return;
        }
        tasks.add(task);
        if (wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /** This loop's liveness counter, for the handles of its sockets and timers. */
    Liveness.Counter liveness() {
        return liveness;
    }

    /** Runs {@code task} now if called on the loop thread, else hands it over with {@link #execute}. */
    void run(Runnable task) {
        if (inEventLoop()) task.run();
        else execute(task);
    }

    /**
     * This loop's "now" in nanoseconds, from its {@link LoopClock}: what timer deadlines are
     * measured against. Code that measures time on a loop (idle time, a rate window) reads it
     * here, not from {@link System#nanoTime()}, so that a test's clock governs it too.
     *
     * @return this loop's "now" in nanoseconds, from its {@link LoopClock}: what timer deadlines are measured
     *         against
     */
    public long nanoTime() {
        return clock.nanoTime();
    }

    /**
     * The clock this loop's timers follow.
     *
     * @return the clock this loop's timers follow
     */
    public LoopClock clock() {
        return clock;
    }

    /**
     * Runs {@code task} on the loop thread after {@code delay}; the returned handle cancels it.
     *
     * @param delay the delay
     * @param task the task
     * @return the timer: runs {@code task} on the loop thread after {@code delay}; the returned handle
     *         cancels it
     */
    public Timer schedule(Duration delay, Runnable task) {
        return schedule(delay.toNanos(), TimeUnit.NANOSECONDS, task);
    }

    /**
     * Node's {@code setTimeout}: {@link #schedule(Duration, Runnable)} with a timer that keeps the
     * JVM running until it has run or is cancelled (see {@link Timer#unref()}).
     *
     * @param delay the delay
     * @param task the task
     * @return Node's {@code setTimeout}: {@link #schedule(Duration, Runnable)} with a timer that keeps the
     *         JVM running until it has run or is cancelled (see {@link Timer#unref()})
     */
    public Timer setTimeout(Duration delay, Runnable task) {
        Timer timer = new Timer(this, clock.nanoTime() + Math.max(0, delay.toNanos()), task).ref();
        if (inEventLoop()) {
            enqueue(timer);
            return timer;
        }
        try {
            execute(() -> enqueue(timer));
        } catch (RejectedExecutionException e) {
            timer.done(); // a shut-down loop never runs it: it must not hold the JVM
            throw e;
        }
        return timer;
    }

    /**
     * Runs {@code task} on the loop thread after {@code delay} {@code unit}s.
     *
     * @param delay the delay
     * @param unit the unit
     * @param task the task
     * @return the timer: runs {@code task} on the loop thread after {@code delay} {@code unit}s
     */
    public Timer schedule(long delay, TimeUnit unit, Runnable task) {
        long deadline = clock.nanoTime() + Math.max(0, unit.toNanos(delay));
        Timer timer = new Timer(this, deadline, task);
        if (inEventLoop()) {
            enqueue(timer);
            return timer;
        }
        execute(() -> enqueue(timer));
        return timer;
    }

    private void enqueue(Timer timer) {
        if (timer.isCancelled()) return;
        timer.sequence = ++timerSequence; // FIFO among equal deadlines, like Node's timer lists
        timer.queued = true;
        timers.add(timer);
    }

    void unschedule(Timer timer) {
        if (timer.queued) {
            timers.remove(timer); // O(1): dropped at the head or by a later sweep
            timer.queued = false;
        }
    }

    /** The loop-shared direct buffer reads land in; valid only until the current handler returns. */
    ByteBuffer readBuffer() {
        return readBuffer;
    }

    /**
     * A loop-shared buffer for bytes read only to be dropped (a closing socket's unread input).
     * Not {@link #readBuffer()}: a socket may close from inside another's handler while that
     * one's bytes in the read buffer are still lent to its engine.
     */
    ByteBuffer discardBuffer() {
        if (discardBuffer == null) discardBuffer = ByteBuffer.allocateDirect(DISCARD_BUFFER_SIZE);
        return discardBuffer;
    }

    /**
     * Makes the selector forget the keys cancelled so far, now rather than at its next select: a
     * channel closed while registered keeps its descriptor open until then (the JDK defers the
     * close), and a listening socket that stays open a little longer resets the connections made
     * meanwhile instead of refusing them. Loop thread, outside a select (a task). Readiness is
     * level-triggered, so events this select reports and drops are reported again by the next.
     */
    void forgetCancelledKeys() {
        try {
            selector.selectNow(key -> { });
        } catch (IOException | java.nio.channels.ClosedSelectorException e) {
            // the loop is stopping: its selector's close releases everything
        }
    }

    /**
     * Closes {@code channel}, whose key was just cancelled, once the selector has dropped the key:
     * when the next select returns, before its handlers run (that select waits at most a
     * millisecond while such a close is pending). Loop thread.
     *
     * <p>Why not {@code channel.close()} at once: the JDK defers the close of a channel still
     * registered with a selector to that same select, and first asks the socket for
     * {@code SO_LINGER} and shuts its output down so that the peer sees EOF meanwhile: two system
     * calls per connection that a socket whose output is already shut does not need (the caller
     * shuts the output itself when it is not).
     */
    void closeWhenDeregistered(Channel channel) {
        toClose.add(channel);
    }

    /** Closes the channels queued before the current select, whose keys it has dropped. */
    private void closeDeregistered() {
        ArrayList<Channel> batch = closing;
        for (int i = 0; i < batch.size(); i++) {
            closeQuietly(batch.get(i));
        }
        batch.clear();
    }

    private static void closeQuietly(Channel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the descriptor is released either way
        }
    }

    /** Registers {@code channel} with this loop's selector; loop thread only. */
    SelectionKey register(SelectableChannel channel, int ops, Object handler) throws IOException {
        return channel.register(selector, ops, handler);
    }

    /**
     * Stops the loop: queued tasks still run, then the selector closes (and with it every channel
     * still registered is deregistered; their owners should have closed them first).
     */
    public void shutdown() {
        if (shuttingDown) return;
        tasks.add(() -> shuttingDown = true);
        selector.wakeup();
    }

    /**
     * Waits until the loop thread has ended.
     *
     * @param timeout the timeout
     * @return true when the loop ended within {@code timeout}
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * The loop thread's name.
     *
     * @return the loop thread's name
     */
    public String name() {
        return thread.getName();
    }

    @Override
    public String toString() {
        return "EventLoop[" + thread.getName() + "]";
    }

    private void run() {
        try {
            while (!shuttingDown || !tasks.isEmpty() || !ownTasks.isEmpty()) {
                long waitMillis = runDueTimers();
                wakeupPending.set(false);
                boolean closesPending = !toClose.isEmpty();
                if (closesPending) { // this select drops their keys; those cancelled during it wait for the next
                    ArrayList<Channel> swap = closing;
                    closing = toClose;
                    toClose = swap;
                }
                if (!ownTasks.isEmpty() || !tasks.isEmpty() || shuttingDown) {
                    selector.selectNow(this::handle);
                } else if (closesPending) {
                    // At most a millisecond: a busy loop's next event comes sooner (no extra
                    // epoll_wait), an idle loop closes the descriptors without waiting for one.
                    selector.select(this::handle, 1);
                } else if (waitMillis < 0) {
                    selector.select(this::handle);
                } else {
                    selector.select(this::handle, Math.max(1, waitMillis));
                }
                if (closesPending) closeDeregistered(); // unless handle() did (no channel was ready)
                runTasks();
            }
        } catch (ClosedSelectorException | IOException e) {
            EventEmitter.LOG.log(Level.ERROR, "event loop " + thread.getName() + " failed", e);
        } finally {
            timers.forEach(Timer::done); // never to run: a referenced one must not hold the JVM
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
            closeDeregistered();
            toClose.forEach(EventLoop::closeQuietly);
            toClose.clear();
            terminated.countDown();
        }
    }

    /** Runs the timers that are due; returns milliseconds until the next one, or -1 if none. */
    private long runDueTimers() {
        long now = clock.nanoTime();
        Timer next;
        while ((next = timers.peek()) != null) {
            long remaining = next.deadlineNanos - now;
            if (remaining > 0) return TimeUnit.NANOSECONDS.toMillis(remaining + 999_999);
            timers.poll();
            next.queued = false;
            if (!next.isCancelled()) safely(next.task);
            next.done();
        }
        return -1;
    }

    private void runTasks() {
        for (int i = 0; i < MAX_TASKS_PER_TURN; i++) {
            Runnable task = ownTasks.poll();
            if (task == null) task = tasks.poll();
            if (task == null) return;
            safely(task);
        }
    }

    private void handle(SelectionKey key) {
        // The select has dropped the cancelled keys by now: close their channels before any
        // handler runs, so that an accept in this same select finds their descriptors free (as
        // with the JDK's own deferred close, which happens before the select waits).
        if (!closing.isEmpty()) closeDeregistered();
        Object handler = key.attachment();
        try {
            if (handler instanceof Socket socket) {
                socket.ioReady(key);
            } else if (handler instanceof Acceptor acceptor) {
                acceptor.acceptReady();
            }
        } catch (Throwable t) {
            EventEmitter.LOG.log(Level.ERROR, "I/O handler threw on " + thread.getName(), t);
        }
    }

    private static void safely(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            EventEmitter.LOG.log(Level.ERROR, "task threw on event loop", t);
        }
    }
}
