package io.jtls.internal.tls;

import io.jtls.error.TlsException;
import io.jtls.internal.engine.TlsEngine;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * The callback a paused handshake hands the application ({@code SNICallback}'s, the
 * {@code 'resumeSession'} listener's): answered once, from any thread, later or at once. The
 * answer is taken on the connection's loop, in the order Node checks it: nothing happens on a
 * destroyed socket, a second call is {@code ERR_MULTIPLE_CALLBACK}, an error fails the
 * connection, and a value goes to {@code onValue} with the live engine (the handshake is
 * resumed by {@code onValue}).
 *
 * @param <T> what the application answers with
 */
final class ApplicationAnswer<T> implements BiConsumer<Throwable, T> {
    /** What to do with the answer, on the loop, while the engine lives. */
    interface OnValue<T> {
        void accept(TlsEngine engine, T value);
    }

    private final ConnectionDriver driver;
    private final OnValue<T> onValue;
    private final AtomicInteger calls = new AtomicInteger();

    ApplicationAnswer(ConnectionDriver driver, OnValue<T> onValue) {
        this.driver = driver;
        this.onValue = onValue;
    }

    @Override
    public void accept(Throwable error, T value) {
        int call = calls.incrementAndGet();
        driver.loop().execute(() -> take(call, error, value));
    }

    private void take(int call, Throwable error, T value) {
        if (driver.host().destroyed()) {
            return; // Node: a socket destroyed meanwhile ignores the answer
        }
        if (call > 1) {
            driver.fail(new TlsException("ERR_MULTIPLE_CALLBACK", "Callback called multiple times"));
            return;
        }
        if (error != null) {
            driver.fail(error);
            return;
        }
        TlsEngine engine = driver.engine();
        if (engine != null) {
            onValue.accept(engine, value);
        }
    }
}
