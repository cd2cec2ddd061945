package io.jtls.net;

import io.jtls.error.TlsException;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Node's {@code EventEmitter} with typed keys: one small emitter behind every jtls class.
 *
 * <pre>{@code
 * socket.on(Socket.DATA, buf -> ...);          // Event<ByteBuffer>: Consumer<ByteBuffer>
 * socket.once(Socket.END, () -> ...);          // Signal: Runnable
 * socket.on(Socket.CLOSE, hadError -> ...);    // Event<Boolean>
 * }</pre>
 *
 * <p>Semantics follow Node: listeners run in registration order; {@code once} listeners are
 * removed before they run; a listener added or removed while an event is being emitted does not
 * change that emission. Two Node rules are adapted to a library that must not crash its host:
 * <ul>
 *   <li>An {@link #ERROR} emitted with no listener is not swallowed: it is logged through
 *       {@link System.Logger} (Node would throw it and end the process), in one line with the
 *       error's code and the emitter (for a socket, its peer's address), at a level a server's
 *       operator can live with: {@code DEBUG} for a peer that went away ({@code ECONNRESET},
 *       {@code EPIPE}, ...), {@code INFO} for a peer that failed TLS ({@code ERR_TLS_*},
 *       {@code ERR_SSL_*}, certificate verification codes), {@code ERROR} for other coded errors
 *       (an application error nobody handled, a failed bind), and {@code ERROR} with the stack
 *       trace only for an error without a code (a bug). The
 *       stream that emitted it is destroyed all the same.</li>
 *   <li>A listener that throws does not stop the emission or the event loop: the exception is
 *       logged and the next listener runs.</li>
 * </ul>
 *
 * <p>Threading: {@code on}/{@code once}/{@code off} may be called from any thread (the listener
 * list is copy-on-write; registering is rare, emitting is hot and lock-free). jtls's streams
 * emit only on their event-loop thread.
 */
public class EventEmitter {
    /** An emitter with no listeners. */
    public EventEmitter() {}

    /** {@code 'error'}, shared by every emitter so that an unheard error is always reported. */
    public static final Event<Throwable> ERROR = new Event<>("error");

    static final System.Logger LOG = System.getLogger("io.jtls.net");
    private static final Listener[] NONE = new Listener[0];

    /** One registration; identity matters for {@code once} removal. */
    private record Listener(EventKey<?> key, Object fn, boolean once) {}

    private volatile Listener[] listeners = NONE;

    /**
     * Adds {@code listener} for {@code key} (Node's {@code emitter.on}). Returns this emitter.
     * Listeners run on the emitter's event loop, which many connections share: never block in one.
     *
     * @param <L> the listener type
     * @param key the key
     * @param listener the listener
     * @return this emitter
     */
    public <L> EventEmitter on(EventKey<L> key, L listener) {
        add(new Listener(Objects.requireNonNull(key, "key"), Objects.requireNonNull(listener, "listener"), false));
        listenerAdded(key);
        return this;
    }

    /**
     * Adds a listener that is removed before its first call (Node's {@code emitter.once}).
     *
     * @param <L> the listener type
     * @param key the key
     * @param listener the listener
     * @return this emitter
     */
    public <L> EventEmitter once(EventKey<L> key, L listener) {
        add(new Listener(Objects.requireNonNull(key, "key"), Objects.requireNonNull(listener, "listener"), true));
        listenerAdded(key);
        return this;
    }

    /**
     * Removes the most recently added registration of {@code listener} for {@code key}.
     *
     * @param <L> the listener type
     * @param key the key
     * @param listener the listener
     * @return this emitter
     */
    public <L> EventEmitter off(EventKey<L> key, L listener) {
        synchronized (this) {
            Listener[] all = listeners;
            for (int i = all.length - 1; i >= 0; i--) {
                if (all[i].key == key && all[i].fn == listener) {
                    listeners = without(all, i);
                    break;
                }
            }
        }
        return this;
    }

    /**
     * Removes every listener of {@code key}.
     *
     * @param key the key
     * @return this emitter
     */
    public synchronized EventEmitter removeAllListeners(EventKey<?> key) {
        listeners = Arrays.stream(listeners).filter(l -> l.key != key).toArray(Listener[]::new);
        return this;
    }

    /**
     * How many listeners {@code key} has.
     *
     * @param key the key
     * @return how many listeners {@code key} has
     */
    public int listenerCount(EventKey<?> key) {
        int n = 0;
        for (Listener l : listeners) {
            if (l.key == key) n++;
        }
        return n;
    }

    /**
     * Calls every listener of {@code key} with {@code value}; true if there was one.
     *
     * @param <T> the value type
     * @param key the key
     * @param value the value
     * @return true when a listener heard it
     */
    public <T> boolean emit(Event<T> key, T value) {
        if (key == ERROR && listenerCount(ERROR) == 0) {
            logUnhandled((Throwable) value);
            return false;
        }
        // The loop of emitWith without its invoker: no capturing lambda per emission ('data' is hot).
        Listener[] snapshot = listeners;
        boolean heard = false;
        for (Listener l : snapshot) {
            if (l.key != key) continue;
            if (l.once && !removeRegistration(l)) continue; // already removed by someone else
            heard = true;
            try {
                @SuppressWarnings("unchecked")
                Consumer<T> listener = (Consumer<T>) l.fn;
                listener.accept(value);
            } catch (Throwable t) {
                LOG.log(Level.ERROR, "Listener for " + key + " on " + describe() + " threw", t);
            }
        }
        return heard;
    }

    /**
     * Calls every listener of a payload-free event; true if there was one.
     *
     * @param key the key
     * @return true when a listener heard it
     */
    public boolean emit(Signal key) {
        return emitWith(key, Runnable::run);
    }

    /**
     * Calls every listener of {@code key} through {@code invoker}: the general form, for event
     * keys whose listener type takes several arguments. True if there was a listener.
     *
     * @param <L> the listener type
     * @param key the key
     * @param invoker calls each listener
     * @return true when a listener heard it
     */
    @SuppressWarnings("unchecked")
    public <L> boolean emitWith(EventKey<L> key, Consumer<? super L> invoker) {
        Listener[] snapshot = listeners;
        boolean heard = false;
        for (Listener l : snapshot) {
            if (l.key != key) continue;
            if (l.once && !removeRegistration(l)) continue; // already removed by someone else
            heard = true;
            try {
                invoker.accept((L) l.fn);
            } catch (Throwable t) {
                LOG.log(Level.ERROR, "Listener for " + key + " on " + describe() + " threw", t);
            }
        }
        return heard;
    }

    /** One line for an {@code 'error'} nobody listens to (see the class documentation). */
    private void logUnhandled(Throwable error) {
        String code = error instanceof TlsException t ? t.code() : null;
        String line = "Unhandled 'error' event on " + describe() + ": " + (code == null ? "" : code + " ")
                + error.getMessage();
        if (code == null) {
            LOG.log(Level.ERROR, line, error);
        } else {
            LOG.log(levelOf(code), line);
        }
    }

    /**
     * How much an operator should care about an error with {@code code} that nobody handled:
     * {@code DEBUG} for a peer that went away, {@code INFO} for a peer that failed TLS,
     * {@code ERROR} otherwise (an application error nobody handled; see the class documentation). For subclasses that log other
     * unheard events the same way ({@code 'tlsClientError'}).
     *
     * @param code Node's error code
     * @return how much an operator should care about an error with {@code code} that nobody handled: {@code
     *         DEBUG} for a peer that went away, {@code INFO} for a peer that failed TLS, {@code ERROR}
     *         otherwise (an application error nobody handled; see the class documentation)
     */
    protected static Level levelOf(String code) {
        return switch (code) {
            case "ECONNRESET", "EPIPE", "ECONNABORTED", "ETIMEDOUT", "ENOTCONN", "ESHUTDOWN", "EHOSTUNREACH",
                 "ENETUNREACH", "ERR_STREAM_DESTROYED", "ERR_SOCKET_CLOSED" -> Level.DEBUG;
            default -> {
                boolean tlsFailure = code.startsWith("ERR_TLS_") || code.startsWith("ERR_SSL_");
                boolean errno = code.length() > 1 && code.charAt(0) == 'E' && !code.startsWith("ERR_");
                boolean verifyCode = !errno && !code.startsWith("ERR_"); // CERT_HAS_EXPIRED, ...
                yield tlsFailure || verifyCode ? Level.INFO : Level.ERROR; // an application error nobody handled
            }
        };
    }

    /**
     * Called after a listener was added; streams use it to start flowing on {@code 'data'}.
     *
     * @param key the key
     */
    protected void listenerAdded(EventKey<?> key) {
    }

    /**
     * A short name for log lines.
     *
     * @return a short name for log lines
     */
    protected String describe() {
        return getClass().getSimpleName();
    }

    private synchronized void add(Listener l) {
        Listener[] all = listeners;
        Listener[] grown = Arrays.copyOf(all, all.length + 1);
        grown[all.length] = l;
        listeners = grown;
    }

    private synchronized boolean removeRegistration(Listener target) {
        Listener[] all = listeners;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == target) {
                listeners = without(all, i);
                return true;
            }
        }
        return false;
    }

    private static Listener[] without(Listener[] all, int i) {
        if (all.length == 1) return NONE;
        Listener[] fewer = new Listener[all.length - 1];
        System.arraycopy(all, 0, fewer, 0, i);
        System.arraycopy(all, i + 1, fewer, i, all.length - i - 1);
        return fewer;
    }
}
