package io.jtls.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.session.TicketKeyRing.Entry;
import io.jtls.session.TicketKeyRing.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class TicketKeyRingTest {
    private final FakeClock clock = new FakeClock();

    private TicketKeyRing ring() {
        return TicketKeyRing.builder().clock(clock).build();
    }

    @Test
    void startsWithOneCurrentKeyThatSealsAndOpens() {
        TicketKeyRing ring = ring();
        TicketKey current = ring.current();
        assertSame(current, ring.find(current.name()));
        assertTrue(ring.isCurrent(current));
        assertNull(ring.find(TicketKey.generate().name()));
        assertNull(ring.find(new byte[15]));
        assertNull(ring.find(null));
        assertArrayEquals(current.toNodeBytes(), ring.getTicketKeys());
        assertEquals(0, ring.snapshot().generation());
        assertNotEquals(current, ring().current(), "each ring draws its own key");
    }

    @Test
    void rotationKeepsOldKeysForDecryptionUntilRetired() {
        TicketKeyRing ring = ring(); // defaults: rotate every 12 h, decrypt for 24 h
        TicketKey first = ring.current();
        clock.advance(Duration.ofHours(6));
        assertFalse(ring.rotateIfDue());
        assertSame(first, ring.current());

        clock.advance(Duration.ofHours(6));
        assertTrue(ring.rotateIfDue(), "12 h old: due");
        TicketKey second = ring.current();
        assertNotEquals(first, second);
        assertSame(first, ring.find(first.name()), "the old key still opens its tickets");
        assertFalse(ring.isCurrent(first), "... which should be renewed");
        assertTrue(ring.isCurrent(second));
        assertEquals(List.of(second, first), ring.snapshot().keys().stream().map(Entry::key).toList());

        clock.advance(Duration.ofHours(12) .minusMillis(1));
        assertSame(first, ring.find(first.name()), "just under 24 h old");
        clock.advance(Duration.ofMillis(1));
        assertNull(ring.find(first.name()), "24 h old: retired, even before it is dropped");
        assertEquals(2, ring.snapshot().keys().size());

        assertTrue(ring.rotateIfDue());
        TicketKey third = ring.current();
        assertEquals(List.of(third, second), ring.snapshot().keys().stream().map(Entry::key).toList(),
                "the retired key is dropped at the next change");
        assertEquals(2, ring.snapshot().generation());
    }

    @Test
    void theCurrentKeyIsNeverRetired() {
        TicketKeyRing ring = ring();
        TicketKey only = ring.current();
        clock.advance(Duration.ofDays(30));
        assertSame(only, ring.find(only.name()), "nobody rotated: the one key goes on working");
        assertEquals(0, ring.retireExpired());
        assertTrue(ring.isRotationDue());
    }

    @Test
    void retireExpiredDropsOnlyOldKeys() {
        TicketKeyRing ring = TicketKeyRing.builder().clock(clock)
                .rotationInterval(Duration.ofMinutes(10)).decryptLifetime(Duration.ofMinutes(25)).build();
        TicketKey k0 = ring.current();
        clock.advance(Duration.ofMinutes(10));
        TicketKey k1 = ring.rotate();
        clock.advance(Duration.ofMinutes(10));
        TicketKey k2 = ring.rotate();
        clock.advance(Duration.ofMinutes(5)); // k0 is 25 min old, k1 15, k2 5
        List<Snapshot> seen = new ArrayList<>();
        ring.addListener(seen::add);
        assertEquals(1, ring.retireExpired());
        assertEquals(List.of(k2, k1), ring.snapshot().keys().stream().map(Entry::key).toList());
        assertEquals(List.of(ring.snapshot()), seen);
        assertEquals(0, ring.retireExpired());
        assertEquals(1, seen.size(), "no change, no notification");
        assertNull(ring.find(k0.name()));
    }

    @Test
    void rotateToInstallsAGivenKeyAndKeepsTheOthers() {
        TicketKeyRing ring = ring();
        TicketKey first = ring.current();
        TicketKey given = TicketKey.generate();
        assertSame(given, ring.rotateTo(given));
        assertEquals(given, ring.current());
        assertSame(first, ring.find(first.name()));
        ring.rotateTo(first); // moves to the front, no duplicate
        assertEquals(List.of(first, given), ring.snapshot().keys().stream().map(Entry::key).toList());
    }

    @Test
    void setTicketKeysReplacesEverythingAsNodeDoes() {
        TicketKeyRing ring = ring();
        TicketKey old = ring.current();
        ring.rotate();
        byte[] node = new byte[48];
        for (int i = 0; i < 48; i++) {
            node[i] = (byte) i;
        }
        List<Snapshot> seen = new ArrayList<>();
        ring.addListener(seen::add);
        ring.setTicketKeys(node);
        assertArrayEquals(node, ring.getTicketKeys());
        assertEquals(1, ring.snapshot().keys().size());
        assertNull(ring.find(old.name()), "Node's setTicketKeys drops the previous keys");
        ring.setTicketKeys(node.clone());
        assertEquals(1, seen.size(), "setting the same key again changes nothing");
        assertThrows(IllegalArgumentException.class, () -> ring.setTicketKeys(new byte[47]));
        assertArrayEquals(node, TicketKeyRing.fromNodeBytes(node).getTicketKeys());
    }

    @Test
    void listenersSeeEveryChangeInOrderAndABadOneStopsNobody() {
        TicketKeyRing ring = ring();
        List<Long> generations = new ArrayList<>();
        Consumer<Snapshot> bad = snapshot -> {
            throw new IllegalStateException("listener bug (expected by the test)");
        };
        Consumer<Snapshot> good = snapshot -> generations.add(snapshot.generation());
        ring.addListener(bad);
        ring.addListener(good);
        ring.rotate();
        ring.rotate();
        ring.rotateTo(TicketKey.generate());
        assertEquals(List.of(1L, 2L, 3L), generations);
        ring.removeListener(good);
        ring.rotate();
        assertEquals(3, generations.size());
    }

    @Test
    void applyInstallsAForeignSnapshot() {
        TicketKeyRing a = ring();
        clock.advance(Duration.ofHours(1));
        a.rotate();
        TicketKeyRing b = ring();
        List<Snapshot> seen = new ArrayList<>();
        b.addListener(seen::add);
        assertTrue(b.apply(Snapshot.fromBytes(a.snapshot().toBytes())));
        assertEquals(a.snapshot(), b.snapshot());
        assertEquals(a.current(), b.current());
        assertFalse(b.apply(a.snapshot()));
        assertEquals(1, seen.size());
        TicketKey old = a.snapshot().keys().get(1).key();
        assertEquals(old, b.find(old.name()));
    }

    @Test
    void snapshotRoundTripsThroughItsBinaryForm() {
        TicketKeyRing ring = ring();
        clock.advance(Duration.ofMillis(1234));
        ring.rotate();
        clock.advance(Duration.ofHours(3));
        ring.rotate();
        Snapshot snapshot = ring.snapshot();
        byte[] bytes = snapshot.toBytes();
        assertEquals(15 + 3 * 56, bytes.length);
        assertEquals("4a544b5201", HexFormat.of().formatHex(bytes, 0, 5), "magic JTKR, version 1");
        Snapshot back = Snapshot.fromBytes(bytes);
        assertEquals(snapshot, back);
        assertEquals(2, back.generation());
        assertEquals(snapshot.keys().get(1).created(), back.keys().get(1).created());
        for (Entry entry : snapshot.keys()) {
            assertEquals(entry.key(), back.find(entry.key().name()));
        }
        assertFalse(snapshot.toString().contains(HexFormat.of().formatHex(snapshot.current().aesKey())),
                "toString shows no secret");
    }

    @Test
    void snapshotRejectsWhatItDidNotWrite() {
        byte[] good = TicketKeyRing.create().snapshot().toBytes();
        assertThrows(IllegalArgumentException.class, () -> Snapshot.fromBytes(new byte[3]));
        byte[] magic = good.clone();
        magic[0] = 'X';
        assertThrows(IllegalArgumentException.class, () -> Snapshot.fromBytes(magic));
        byte[] version = good.clone();
        version[4] = 2;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Snapshot.fromBytes(version));
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Snapshot.fromBytes(java.util.Arrays.copyOf(good, good.length - 1)));
        assertThrows(IllegalArgumentException.class, () -> Snapshot.fromBytes(java.util.Arrays.copyOf(good, good.length + 1)));
        byte[] none = java.util.Arrays.copyOf(good, 15);
        none[14] = 0;
        assertThrows(IllegalArgumentException.class, () -> Snapshot.fromBytes(none));
        TicketKey key = TicketKey.generate();
        Instant now = Instant.now();
        assertThrows(IllegalArgumentException.class,
                () -> new Snapshot(1, List.of(new Entry(key, now), new Entry(key, now))), "duplicate names");
        assertThrows(IllegalArgumentException.class, () -> new Snapshot(-1, List.of(new Entry(key, now))));
    }

    @Test
    void builderChecksIntervals() {
        assertThrows(IllegalArgumentException.class, () -> TicketKeyRing.builder()
                .rotationInterval(Duration.ofHours(2)).decryptLifetime(Duration.ofHours(2)).build());
        assertThrows(IllegalArgumentException.class, () -> TicketKeyRing.builder().rotationInterval(Duration.ZERO));
        TicketKeyRing ring = TicketKeyRing.create();
        assertEquals(Duration.ofHours(12), ring.rotationInterval());
        assertEquals(Duration.ofHours(24), ring.decryptLifetime());
    }

    @Test
    void scheduledRotationFollowsTheClock() throws Exception {
        TicketKeyRing ring = TicketKeyRing.builder().clock(clock)
                .rotationInterval(Duration.ofMinutes(1)).decryptLifetime(Duration.ofMinutes(3)).build();
        CountingScheduler executor = new CountingScheduler();
        java.util.concurrent.LinkedBlockingQueue<Snapshot> changes = new java.util.concurrent.LinkedBlockingQueue<>();
        ring.addListener(changes::add);
        try {
            ScheduledFuture<?> schedule = ring.scheduleRotation(executor, Duration.ofMillis(5));
            executor.awaitRuns(3);
            assertTrue(changes.isEmpty(), "checks before the key is due rotate nothing");
            clock.advance(Duration.ofMinutes(1));
            Snapshot rotated = changes.poll(5, TimeUnit.SECONDS);
            assertEquals(1, rotated.generation());
            executor.awaitRuns(executor.runs() + 3);
            assertTrue(changes.isEmpty(), "one rotation per interval, however often it checks");
            schedule.cancel(false);
        } finally {
            executor.shutdownNow();
        }
    }

    /**
     * A one-thread scheduler that counts the periodic runs it completed, so that a test can
     * wait for checks to have happened instead of sleeping and hoping they did.
     */
    private static final class CountingScheduler extends java.util.concurrent.ScheduledThreadPoolExecutor {
        private final java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();

        CountingScheduler() {
            super(1);
        }

        @Override
        protected void afterExecute(Runnable task, Throwable failure) {
            super.afterExecute(task, failure);
            synchronized (runs) {
                runs.incrementAndGet();
                runs.notifyAll();
            }
        }

        int runs() {
            return runs.get();
        }

        void awaitRuns(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            synchronized (runs) {
                while (runs.get() < count) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError("the scheduler ran " + runs.get() + " checks, not " + count);
                    }
                    TimeUnit.NANOSECONDS.timedWait(runs, left);
                }
            }
        }
    }
}
