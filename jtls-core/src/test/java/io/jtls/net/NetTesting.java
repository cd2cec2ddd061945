package io.jtls.net;

import io.jtls.support.Waiting;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Small helpers shared by the net tests: waiting with a deadline and recording events. */
final class NetTesting {
    private NetTesting() {
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    static <T> T await(CompletableFuture<T> future) {
        return Waiting.await(future, TIMEOUT);
    }

    /** Starts {@code server} on 127.0.0.1, port 0, and returns the port it got. */
    static int listen(Server server) {
        return Waiting.listen(server, TIMEOUT);
    }

    static String utf8(ByteBuffer buffer) {
        return StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
    }

    /** Records event names (and the thread they were emitted on) in order. */
    static final class Recorder {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final CompletableFuture<Boolean> closed = new CompletableFuture<>();
        final StringBuilder data = new StringBuilder();

        Recorder(Duplex stream) {
            stream.on(Socket.CONNECT, () -> note("connect"));
            stream.on(Socket.READY, () -> note("ready"));
            stream.on(Duplex.END, () -> note("end"));
            stream.on(Duplex.FINISH, () -> note("finish"));
            stream.on(EventEmitter.ERROR, e -> note("error:" + code(e)));
            stream.on(Duplex.CLOSE, hadError -> {
                note("close:" + hadError);
                closed.complete(hadError);
            });
        }

        Recorder readAll(Duplex stream) {
            stream.on(Duplex.DATA, buf -> {
                synchronized (data) {
                    data.append(utf8(buf));
                }
            });
            return this;
        }

        String data() {
            synchronized (data) {
                return data.toString();
            }
        }

        void note(String event) {
            events.add(event);
            threads.add(Thread.currentThread().getName());
        }
    }

    static String code(Throwable e) {
        return e instanceof io.jtls.error.TlsException t ? t.code() : e.getClass().getSimpleName();
    }
}
