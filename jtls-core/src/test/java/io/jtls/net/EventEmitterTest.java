package io.jtls.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class EventEmitterTest {
    private static final Event<String> MESSAGE = new Event<>("message");
    private static final Signal PING = new Signal("ping");

    /** A listener shape with several arguments, as the TLS layer's {@code newSession} needs. */
    interface Pair {
        void accept(String a, int b);
    }

    private static final EventKey<Pair> PAIR = new EventKey<>("pair") { };

    @Test
    void listenersRunInOrderAndOnceRunsOnce() {
        EventEmitter emitter = new EventEmitter();
        List<String> seen = new ArrayList<>();
        emitter.on(MESSAGE, m -> seen.add("a:" + m));
        emitter.once(MESSAGE, m -> seen.add("once:" + m));
        emitter.on(MESSAGE, m -> seen.add("b:" + m));
        assertTrue(emitter.emit(MESSAGE, "1"));
        assertTrue(emitter.emit(MESSAGE, "2"));
        assertEquals(List.of("a:1", "once:1", "b:1", "a:2", "b:2"), seen);
        assertEquals(2, emitter.listenerCount(MESSAGE));
        assertFalse(emitter.emit(PING));
    }

    @Test
    void offRemovesAndAddingDuringEmitWaitsForTheNextEmit() {
        EventEmitter emitter = new EventEmitter();
        List<String> seen = new ArrayList<>();
        Runnable late = () -> seen.add("late");
        Runnable first = () -> {
            seen.add("first");
            emitter.on(PING, late);
        };
        emitter.on(PING, first);
        emitter.emit(PING);
        assertEquals(List.of("first"), seen);
        emitter.off(PING, first);
        emitter.emit(PING);
        assertEquals(List.of("first", "late"), seen);
        emitter.removeAllListeners(PING);
        assertEquals(0, emitter.listenerCount(PING));
    }

    @Test
    void customListenerShapesEmitThroughEmitWith() {
        EventEmitter emitter = new EventEmitter();
        List<String> seen = new ArrayList<>();
        emitter.on(PAIR, (a, b) -> seen.add(a + b));
        emitter.emitWith(PAIR, l -> l.accept("x", 1));
        assertEquals(List.of("x1"), seen);
    }

    @Test
    void aThrowingListenerDoesNotStopTheOthers() {
        EventEmitter emitter = new EventEmitter();
        List<String> seen = new ArrayList<>();
        Consumer<String> bad = m -> {
            throw new IllegalStateException("listener bug (expected in this test)");
        };
        emitter.on(MESSAGE, bad);
        emitter.on(MESSAGE, seen::add);
        assertTrue(emitter.emit(MESSAGE, "still heard"));
        assertEquals(List.of("still heard"), seen);
    }

    @Test
    void anUnheardErrorIsReportedNotThrown() {
        EventEmitter emitter = new EventEmitter();
        assertFalse(emitter.emit(EventEmitter.ERROR, new IllegalStateException("unheard (expected in this test)")));
        List<Throwable> heard = new ArrayList<>();
        emitter.on(Socket.ERROR, heard::add); // one 'error' key for every class
        emitter.emit(Server.ERROR, new IllegalStateException("heard"));
        assertEquals(1, heard.size());
    }
}
