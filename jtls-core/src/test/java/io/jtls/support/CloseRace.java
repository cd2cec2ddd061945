package io.jtls.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One round of "many holders against one close": platform threads start together and use a
 * shared object while another thread closes it after a random number of spins (a random moment,
 * without sleeping), then the round waits for every holder to end. What a holder throws is
 * collected, not lost on its thread.
 */
public final class CloseRace {
    private CloseRace() {}

    /** A holder's work: typically retain/use/release until a retain is refused. */
    @FunctionalInterface
    public interface Holder {
        /**
         * Runs on holder thread {@code index}.
         *
         * @param index 0 to threads - 1
         * @throws Exception anything, collected as a failure
         */
        void run(int index) throws Exception;
    }

    /**
     * Runs one round.
     *
     * @param threads holder threads (more than the cores, to have them preempted mid-way)
     * @param maxSpins the close comes after 0 to {@code maxSpins - 1} spins once all started
     * @param holder each holder thread's work
     * @param close the close, on the calling thread
     * @param failures where holders' exceptions go
     * @throws InterruptedException if interrupted while waiting for the holders
     * @throws BrokenBarrierException if a holder thread could not start
     */
    public static void round(int threads, int maxSpins, Holder holder, Runnable close, Queue<Throwable> failures)
            throws InterruptedException, BrokenBarrierException {
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int index = t;
            running.add(Thread.ofPlatform().name("holder-" + t).start(() -> {
                try {
                    start.await();
                    holder.run(index);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        start.await();
        int spins = ThreadLocalRandom.current().nextInt(maxSpins);
        for (int i = 0; i < spins; i++) {
            Thread.onSpinWait();
        }
        close.run();
        for (Thread t : running) {
            t.join();
        }
    }
}
