package io.jtls.net;

import java.util.Objects;

/**
 * The typed name of an event: what Node calls {@code 'data'}, {@code 'close'}, {@code 'connection'}.
 *
 * <p>{@code L} is the listener's functional interface, so {@code emitter.on(key, listener)} is
 * checked by the compiler: a {@link Event Event&lt;T&gt;} takes a {@code Consumer<T>}, a
 * {@link Signal} takes a {@code Runnable}, and a layer with richer events declares its own
 * listener interface (for example a three-argument {@code newSession} listener) by subclassing
 * this class and emitting through {@link EventEmitter#emitWith(EventKey, java.util.function.Consumer)}.
 *
 * <p>Keys compare by identity: declare each one once, as a {@code public static final} constant
 * named after Node's event ({@code DATA = new Event<>("data")}).
 *
 * @param <L> the listener type
 */
public class EventKey<L> {
    private final String name;

    /**
     * A new {@code EventKey}, for subclasses.
     *
     * @param name the name
     */
    protected EventKey(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * Node's name for the event, e.g. {@code "data"}.
     *
     * @return Node's name for the event, e.g. {@code "data"}
     */
    public final String name() {
        return name;
    }

    @Override
    public final String toString() {
        return "'" + name + "'";
    }
}
