package io.jtls.net;

/**
 * An event without a payload, heard by a {@code Runnable}: {@code socket.on(Socket.END, () -> ...)},
 * {@code server.on(Server.LISTENING, () -> ...)}.
 */
public final class Signal extends EventKey<Runnable> {
    /**
     * A new {@code Signal}.
     *
     * @param name the name
     */
    public Signal(String name) {
        super(name);
    }
}
