package io.jtls.session;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that moves only when a test says so. */
final class FakeClock implements InstantSource {
    private final AtomicReference<Instant> now;

    FakeClock() {
        this(Instant.parse("2025-01-01T00:00:00Z"));
    }

    FakeClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    void advance(Duration duration) {
        now.updateAndGet(t -> t.plus(duration));
    }
}
