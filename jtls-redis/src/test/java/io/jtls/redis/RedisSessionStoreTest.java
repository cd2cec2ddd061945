package io.jtls.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.session.SessionStore;
import io.jtls.session.SessionStoreListeners;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

class RedisSessionStoreTest {
    private static final Duration TTL = Duration.ofSeconds(300);
    private static RedisServer server;
    private static RedisClient client;

    @BeforeAll
    static void startRedis() throws Exception {
        server = RedisServer.start();
        client = server.client();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static <T> T await(java.util.concurrent.CompletionStage<T> stage) {
        return stage.toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).join();
    }

    @Test
    void putThenGetAcrossTwoStoresOnOneServer() {
        try (RedisSessionStore a = RedisSessionStore.builder(client).keyPrefix("t1:").build();
                RedisClient otherClient = server.client();
                RedisSessionStore b = RedisSessionStore.builder(otherClient).keyPrefix("t1:").build()) {
            byte[] id = {1, 2, 3, 4};
            byte[] data = "the session".getBytes(StandardCharsets.US_ASCII);
            assertNull(await(a.put(id, data, TTL)));
            assertArrayEquals(data, await(b.get(id)), "another process (client) sees the session");
            assertNull(await(b.get(new byte[] {1, 2, 3})));
            byte[] redisKey = {'t', '1', ':', 1, 2, 3, 4};
            assertArrayEquals(redisKey, a.key(id));
            assertArrayEquals(data, client.get(redisKey), "stored under prefix + raw id");
            long pttl = client.pttl(redisKey);
            assertTrue(pttl > 295_000 && pttl <= 300_000, "PX ttl, got " + pttl);
            await(a.remove(id));
            assertNull(await(b.get(id)));
        }
    }

    @Test
    void idsAndDataAreBinarySafe() {
        try (RedisSessionStore store = RedisSessionStore.builder(client).keyPrefix(new byte[] {(byte) 0xFE, 0}).build()) {
            byte[] id = new byte[32];
            byte[] data = new byte[4096];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i * 31);
                if (i < id.length) {
                    id[i] = (byte) (0x80 + i * 3); // invalid UTF-8, zero bytes after the prefix
                }
            }
            await(store.put(id, data, TTL));
            await(store.put(new byte[0], new byte[] {7}, TTL));
            await(store.put(new byte[] {0}, new byte[] {0}, TTL));
            assertArrayEquals(data, await(store.get(id.clone())));
            assertArrayEquals(new byte[] {7}, await(store.get(new byte[0])));
            assertArrayEquals(new byte[] {0}, await(store.get(new byte[] {0})));
            assertArrayEquals(new byte[] {(byte) 0xFE, 0, 9}, store.key(new byte[] {9}));
        }
    }

    @Test
    void entriesExpireOnTheServer() throws Exception {
        try (RedisSessionStore store = RedisSessionStore.builder(client).keyPrefix("t3:").build()) {
            await(store.put(new byte[] {1}, new byte[] {1}, Duration.ofMillis(100)));
            await(store.put(new byte[] {2}, new byte[] {2}, Duration.ofNanos(1))); // rounds up to 1 ms
            assertArrayEquals(new byte[] {1}, await(store.get(new byte[] {1})));
            // Redis keeps the clock: read the expiry it holds instead of waiting for it to pass.
            long ttl = client.pttl(store.key(new byte[] {1}));
            assertTrue(ttl > 0 && ttl <= 100, "expires on the server within its ttl, not later: " + ttl);
            long tiny = client.pttl(store.key(new byte[] {2}));
            assertTrue(tiny == -2 || (tiny >= 0 && tiny <= 1), "1 ms at most (-2: already gone): " + tiny);
            await(store.put(new byte[] {3}, new byte[] {3}, Duration.ofDays(365 * 1000)));
            assertArrayEquals(new byte[] {3}, await(store.get(new byte[] {3})), "a huge ttl is capped, not refused");
        }
    }

    @Test
    void manyConcurrentOperations() {
        try (RedisSessionStore store = RedisSessionStore.builder(client).keyPrefix("t4:").build()) {
            List<CompletableFuture<Void>> puts = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                puts.add(store.put(new byte[] {(byte) i, (byte) (i >> 8)}, new byte[] {(byte) i}, TTL).toCompletableFuture());
            }
            CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).orTimeout(10, TimeUnit.SECONDS).join();
            for (int i = 0; i < 500; i += 50) {
                assertArrayEquals(new byte[] {(byte) i}, await(store.get(new byte[] {(byte) i, (byte) (i >> 8)})));
            }
        }
    }

    @Test
    void programmingErrorsThrowAtOnce() {
        try (RedisSessionStore store = RedisSessionStore.create(client)) {
            assertThrows(IllegalArgumentException.class, () -> store.put(new byte[] {1}, new byte[] {1}, Duration.ZERO));
            assertThrows(NullPointerException.class, () -> store.get(null));
        }
    }

    @Test
    void aStoppedServerFailsOperationsQuicklyWithoutThrowing() throws Exception {
        RedisServer doomed = RedisServer.start();
        try (RedisClient doomedClient = doomed.client();
                RedisSessionStore store = RedisSessionStore.create(doomedClient)) {
            await(store.put(new byte[] {1}, new byte[] {1}, TTL));
            assertArrayEquals(new byte[] {1}, await(store.get(new byte[] {1})));
            doomed.close();

            long start = System.nanoTime();
            CompletableFuture<byte[]> get = store.get(new byte[] {1}).toCompletableFuture(); // does not throw
            CompletionException failure = assertThrows(CompletionException.class, () -> await(get));
            assertInstanceOf(JedisException.class, failure.getCause());
            CompletionException putFailure = assertThrows(CompletionException.class,
                    () -> await(store.put(new byte[] {2}, new byte[] {2}, TTL)));
            assertInstanceOf(JedisException.class, putFailure.getCause());
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis < 3000, "failed after " + millis + " ms");

            // what a server does with it: the handshake goes on as a full one
            List<Throwable> errors = new ArrayList<>();
            SessionStoreListeners listeners = SessionStoreListeners.builder(store).onError(errors::add).build();
            CompletableFuture<Object[]> answer = new CompletableFuture<>();
            listeners.resumeSession(new byte[] {1}, (error, data) -> answer.complete(new Object[] {error, data}));
            Object[] result = answer.orTimeout(5, TimeUnit.SECONDS).join();
            assertNull(result[0]);
            assertNull(result[1]);
            assertEquals(1, errors.size());
            assertInstanceOf(JedisException.class, errors.getFirst());
        } finally {
            doomed.close();
        }
    }

    @Test
    void aClosedStoreFailsInsteadOfThrowing() {
        RedisSessionStore store = RedisSessionStore.create(client);
        store.close();
        SessionStore closed = store;
        CompletableFuture<byte[]> get = closed.get(new byte[] {1}).toCompletableFuture();
        assertTrue(get.isCompletedExceptionally());
    }
}
