package io.jtls.support;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs a task on a thread that did not exist before, and waits for its result: how the tests of
 * per-thread structures (sharded tables, striped counts) get "another loop" in one line.
 */
public final class OnNewThread {
    private OnNewThread() {}

    /**
     * {@code task}'s result, computed on a new thread; its exception is rethrown (wrapped).
     *
     * @param task what to run there
     * @param <T> the result's type
     * @return the result
     * @throws Exception what the task threw, inside an {@link java.util.concurrent.ExecutionException}
     */
    public static <T> T call(Callable<T> task) throws Exception {
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            return thread.submit(task).get();
        } finally {
            thread.shutdown();
        }
    }
}
