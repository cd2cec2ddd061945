package io.jtls.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SessionStoreListenersTest {
    /** What a resumeSession callback was called with. */
    private record Answer(Throwable error, byte[] data) {
    }

    private static Answer resume(SessionStoreListeners listeners, byte[] id) {
        return resume(listeners, id, new AtomicInteger());
    }

    /** Resumes, counting the callback's calls in {@code calls} (a late second call would show there). */
    private static Answer resume(SessionStoreListeners listeners, byte[] id, AtomicInteger calls) {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        listeners.resumeSession(id, (error, data) -> {
            calls.incrementAndGet();
            answer.complete(new Answer(error, data));
        });
        Answer result = answer.orTimeout(5, TimeUnit.SECONDS).join();
        assertEquals(1, calls.get(), "the callback is called once");
        return result;
    }

    /** A store whose every operation fails, as a store whose server is down. */
    private static final class BrokenStore implements SessionStore {
        @Override
        public CompletionStage<Void> put(byte[] id, byte[] data, Duration ttl) {
            return CompletableFuture.failedFuture(new IOException("store down"));
        }

        @Override
        public CompletionStage<byte[]> get(byte[] id) {
            return CompletableFuture.failedFuture(new IOException("store down"));
        }
    }

    /** A store that answers only when the test says so (after the listeners gave up on it). */
    private static final class SilentStore implements SessionStore {
        final List<CompletableFuture<?>> pending = new CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<Void> put(byte[] id, byte[] data, Duration ttl) {
            CompletableFuture<Void> put = new CompletableFuture<>();
            pending.add(put);
            return put;
        }

        @Override
        public CompletionStage<byte[]> get(byte[] id) {
            CompletableFuture<byte[]> get = new CompletableFuture<>();
            pending.add(get);
            return get;
        }

        /** Answers everything now; the dependants run on this thread before this returns. */
        void answerLate() {
            pending.forEach(f -> f.complete(null));
        }
    }

    @Test
    void newSessionStoresAndResumeSessionFindsIt() throws Exception {
        FakeClock clock = new FakeClock();
        InMemorySessionStore store = InMemorySessionStore.builder().clock(clock).build();
        SessionStoreListeners listeners = SessionStoreListeners.builder(store).ttl(Duration.ofSeconds(60)).build();
        CountDownLatch done = new CountDownLatch(1);
        listeners.newSession(new byte[] {1, 2}, new byte[] {9, 9, 9}, done::countDown);
        assertTrue(done.await(5, TimeUnit.SECONDS));

        Answer hit = resume(listeners, new byte[] {1, 2});
        assertNull(hit.error());
        assertArrayEquals(new byte[] {9, 9, 9}, hit.data());

        Answer miss = resume(listeners, new byte[] {1, 3});
        assertNull(miss.error());
        assertNull(miss.data(), "a miss answers callback(null, null): full handshake");

        clock.advance(Duration.ofSeconds(60));
        assertNull(resume(listeners, new byte[] {1, 2}).data(), "stored with the listeners' ttl");
        assertSame(store, listeners.store());
    }

    @Test
    void aFailedLookupIsAFullHandshakeByDefault() throws Exception {
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        SessionStoreListeners listeners = SessionStoreListeners.builder(new BrokenStore()).onError(errors::add).build();
        Answer answer = resume(listeners, new byte[] {1});
        assertNull(answer.error());
        assertNull(answer.data());
        assertEquals(1, errors.size());
        assertEquals("store down", errors.getFirst().getMessage());
    }

    @Test
    void aFailedLookupCanDestroyTheSocketAsNodesCallbackErrDoes() throws Exception {
        SessionStoreListeners listeners = SessionStoreListeners.builder(new BrokenStore())
                .onStoreFailure(SessionStoreListeners.OnStoreFailure.DESTROY).onError(e -> { }).build();
        Answer answer = resume(listeners, new byte[] {1});
        assertInstanceOf(IOException.class, answer.error());
        assertNull(answer.data());
    }

    @Test
    void aStoreThatNeverAnswersTimesOut() throws Exception {
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        SilentStore store = new SilentStore();
        SessionStoreListeners listeners = SessionStoreListeners.builder(store)
                .storeTimeout(Duration.ofMillis(50)).onError(errors::add).build();
        AtomicInteger resumeCalls = new AtomicInteger();
        Answer answer = resume(listeners, new byte[] {1}, resumeCalls);
        assertNull(answer.data());
        assertNull(answer.error());
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger doneCalls = new AtomicInteger();
        listeners.newSession(new byte[] {1}, new byte[] {2}, () -> {
            doneCalls.incrementAndGet();
            done.countDown();
        });
        assertTrue(done.await(5, TimeUnit.SECONDS), "done is called even when the put never completes");
        store.answerLate();
        assertEquals(1, resumeCalls.get(), "a store answering after the timeout calls nobody again");
        assertEquals(1, doneCalls.get(), "done stays called once");
        assertEquals(2, errors.size());
        assertInstanceOf(TimeoutException.class, errors.getFirst());
        assertTrue(errors.getFirst().getMessage().contains("get"), errors.getFirst().getMessage());
    }

    @Test
    void aStoreThatThrowsIsHandledLikeAFailedOne() throws Exception {
        SessionStore throwing = new SessionStore() {
            @Override
            public CompletionStage<Void> put(byte[] id, byte[] data, Duration ttl) {
                throw new IllegalStateException("bug in store");
            }

            @Override
            public CompletionStage<byte[]> get(byte[] id) {
                throw new IllegalStateException("bug in store");
            }
        };
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        SessionStoreListeners listeners = SessionStoreListeners.builder(throwing).onError(errors::add).build();
        assertNull(resume(listeners, new byte[] {1}).data());
        CountDownLatch done = new CountDownLatch(1);
        listeners.newSession(new byte[] {1}, new byte[] {2}, done::countDown);
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals(2, errors.size());
        assertInstanceOf(IllegalStateException.class, errors.get(1));
    }

    @Test
    void newSessionCanReturnBeforeThePut() throws Exception {
        CompletableFuture<Void> put = new CompletableFuture<>();
        SessionStore slow = new SessionStore() {
            @Override
            public CompletionStage<Void> put(byte[] id, byte[] data, Duration ttl) {
                return put;
            }

            @Override
            public CompletionStage<byte[]> get(byte[] id) {
                return CompletableFuture.completedFuture(null);
            }
        };
        AtomicInteger done = new AtomicInteger();
        SessionStoreListeners.builder(slow).waitForPut(false).build()
                .newSession(new byte[] {1}, new byte[] {2}, done::incrementAndGet);
        assertEquals(1, done.get(), "done at once");
        SessionStoreListeners.builder(slow).build().newSession(new byte[] {1}, new byte[] {2}, done::incrementAndGet);
        assertEquals(1, done.get(), "waits for the put by default");
        put.complete(null);
        assertEquals(2, done.get());
        assertFalse(put.isCompletedExceptionally());
    }

    @Test
    void rejectsBadSettings() {
        SessionStoreListeners.Builder builder = SessionStoreListeners.builder(InMemorySessionStore.create());
        assertThrows(IllegalArgumentException.class, () -> builder.ttl(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> builder.storeTimeout(Duration.ofMillis(-1)));
        assertThrows(NullPointerException.class, () -> SessionStoreListeners.builder(null));
    }
}
