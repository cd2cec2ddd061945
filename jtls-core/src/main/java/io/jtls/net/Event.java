package io.jtls.net;

import java.util.function.Consumer;

/**
 * An event that carries one value, heard by a {@code Consumer<T>}: {@code socket.on(Socket.DATA,
 * buf -> ...)}, {@code socket.on(Socket.CLOSE, hadError -> ...)}, {@code server.on(Server.CONNECTION,
 * socket -> ...)}.
 *
 * @param <T> the payload type
 */
public final class Event<T> extends EventKey<Consumer<T>> {
    /**
     * A new {@code Event}.
     *
     * @param name the name
     */
    public Event(String name) {
        super(name);
    }
}
