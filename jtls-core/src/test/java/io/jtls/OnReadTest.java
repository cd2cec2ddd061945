package io.jtls;

import static io.jtls.TlsTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import io.jtls.net.OnRead;
import io.jtls.support.LogCapture;
import io.jtls.support.NativeLeakCheck;
import io.jtls.support.Waiting;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Node's {@code onread} on TLS clients ({@code tls.connect}, {@code new TLSSocket}): every byte
 * reaches the one reused buffer, nothing reaches {@code 'data'}, {@code 'end'} and {@code 'close'}
 * come as usual, a callback answering false stops reading until {@code resume()}, pause/resume
 * work, a throwing callback is logged and reading goes on. And the server side's borrowed path,
 * {@link Duplex#setRawReader} on a server's {@link TlsSocket}.
 */
class OnReadTest {
    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    /** What an onread client saw. */
    private static final class Seen {
        final MessageDigest digest;
        final AtomicLong bytes = new AtomicLong();
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger dataEvents = new AtomicInteger();
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<ByteBuffer> buffers = new CopyOnWriteArrayList<>();
        final CompletableFuture<Long> end = new CompletableFuture<>();
        final CompletableFuture<Boolean> closed = new CompletableFuture<>();
        volatile int largest;

        Seen() throws Exception {
            digest = MessageDigest.getInstance("SHA-256");
        }

        /** Records a chunk; the answer is {@code answer}'s for this call number (1-based). */
        boolean take(int nread, ByteBuffer buffer, Function<Integer, Boolean> answer) {
            assertEquals(0, buffer.position());
            assertEquals(nread, buffer.limit());
            largest = Math.max(largest, nread);
            if (buffers.isEmpty() || buffers.get(buffers.size() - 1) != buffer) buffers.add(buffer);
            digest.update(buffer);
            bytes.addAndGet(nread);
            return answer.apply(calls.incrementAndGet());
        }

        void watch(Duplex socket) {
            socket.on(Duplex.DATA, b -> dataEvents.incrementAndGet());
            socket.on(Duplex.END, () -> {
                events.add("end");
                end.complete(bytes.get());
            });
            socket.on(EventEmitter.ERROR, e -> events.add("error:" + code(e)));
            socket.on(Duplex.CLOSE, hadError -> {
                events.add("close:" + hadError);
                closed.complete(hadError);
            });
        }

        String hash() {
            return HexFormat.of().formatHex(digest.digest());
        }
    }

    /** A server that sends {@code data} to each client, in 16 KiB writes, then ends. */
    private static TlsServer sender(byte[] data) {
        return Tls.createServer(serverWith(SERVER_EC).build(), socket -> {
            for (int off = 0; off < data.length; off += 16384) {
                socket.write(ByteBuffer.wrap(data, off, Math.min(16384, data.length - off)));
            }
            socket.end();
        });
    }

    private static TlsSocket connect(int port, OnRead onread, Seen seen) {
        return Tls.connect(clientTo(port).onread(onread).build(), seen::watch, null);
    }

    @Test
    void directBufferReceivesEveryByteAndDataListenersNone() throws Exception {
        byte[] data = random(3 << 20, 1);
        TlsServer server = sender(data);
        try (Closing c = closing(server)) {
            int port = listen(server);
            Seen seen = new Seen();
            ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
            connect(port, OnRead.of(buffer, (n, b) -> seen.take(n, b, i -> true)), seen);
            assertEquals(data.length, await(seen.end, TIMEOUT));
            assertFalse(await(seen.closed, TIMEOUT));
            assertEquals(sha256(data), seen.hash());
            assertEquals(0, seen.dataEvents.get(), "the streaming side gets nothing, as Node's");
            assertEquals(List.of(buffer), seen.buffers, "every chunk in the one buffer");
            assertTrue(seen.largest <= buffer.capacity());
            assertEquals(List.of("end", "close:false"), seen.events);
        }
    }

    @Test
    void arrayAndSupplierForms() throws Exception {
        byte[] data = random(1 << 20, 2);
        TlsServer server = sender(data);
        try (Closing c = closing(server)) {
            int port = listen(server);
            Seen array = new Seen();
            byte[] small = new byte[4096];
            TlsSocket first = connect(port, OnRead.of(small, (n, b) -> {
                assertSame(small, b.array());
                return array.take(n, b, i -> true);
            }), array);
            assertEquals(data.length, await(array.end, TIMEOUT));
            assertEquals(sha256(data), array.hash());
            assertTrue(array.largest <= 4096, "a read never overfills the buffer");
            assertEquals(0, array.dataEvents.get());
            await(array.closed, TIMEOUT);
            assertTrue(first.destroyed());

            Seen supplied = new Seen();
            AtomicInteger asked = new AtomicInteger();
            connect(port, OnRead.of(() -> {
                asked.incrementAndGet();
                return ByteBuffer.allocateDirect(32 * 1024);
            }, (n, b) -> supplied.take(n, b, i -> true)), supplied);
            assertEquals(data.length, await(supplied.end, TIMEOUT));
            assertEquals(sha256(data), supplied.hash());
            // Node's buffer function: one buffer per read that uses one (a new one each time here)
            assertEquals(supplied.calls.get(), supplied.buffers.size());
            assertTrue(asked.get() >= supplied.calls.get() && asked.get() <= supplied.calls.get() + 1,
                    "asked " + asked + " for " + supplied.calls + " reads");
        }
    }

    @Test
    void falseStopsReadingUntilResume() throws Exception {
        byte[] data = random(64 * 1024, 3);
        TlsServer server = sender(data);
        try (Closing c = closing(server)) {
            int port = listen(server);
            Seen seen = new Seen();
            CompletableFuture<Long> stopped = new CompletableFuture<>();
            TlsSocket socket = connect(port, OnRead.of(ByteBuffer.allocate(4096), (n, b) -> {
                boolean more = seen.take(n, b, i -> i != 3);
                if (!more) stopped.complete(seen.bytes.get());
                return more;
            }), seen);
            assertEquals(3 * 4096L, await(stopped, TIMEOUT));
            // The whole 64 KiB and the server's end are on their way: after the loop has polled
            // a few times, still nothing more was delivered, and no 'end'.
            Waiting.loopTurns(socket.loop(), 4, TIMEOUT);
            assertEquals(3, seen.calls.get());
            assertFalse(seen.end.isDone());
            assertFalse(socket.isPaused(), "as Node: the handle stops, the stream is not paused");
            socket.resume();
            assertEquals(data.length, await(seen.end, TIMEOUT));
            assertEquals(sha256(data), seen.hash());
            assertFalse(await(seen.closed, TIMEOUT));
        }
    }

    @Test
    void pauseAndResumeWorkAsUsual() throws Exception {
        byte[] data = random(256 * 1024, 4);
        TlsServer server = sender(data);
        try (Closing c = closing(server)) {
            int port = listen(server);
            Seen seen = new Seen();
            TlsSocket[] socket = new TlsSocket[1];
            CompletableFuture<Integer> paused = new CompletableFuture<>();
            socket[0] = connect(port, OnRead.of(ByteBuffer.allocateDirect(8192), (n, b) -> {
                seen.take(n, b, i -> true);
                if (seen.calls.get() == 2) {
                    socket[0].pause();
                    paused.complete(seen.calls.get());
                }
                return true;
            }), seen);
            await(paused, TIMEOUT);
            Waiting.loopTurns(socket[0].loop(), 4, TIMEOUT);
            assertEquals(2, seen.calls.get(), "nothing while paused");
            assertTrue(socket[0].isPaused());
            socket[0].resume();
            assertEquals(data.length, await(seen.end, TIMEOUT));
            assertEquals(sha256(data), seen.hash());
        }
    }

    @Test
    void aThrowingCallbackIsLoggedAndReadingGoesOn() throws Exception {
        byte[] data = random(128 * 1024, 5);
        TlsServer server = sender(data);
        try (Closing c = closing(server); LogCapture log = new LogCapture("io.jtls.net")) {
            int port = listen(server);
            Seen seen = new Seen();
            connect(port, OnRead.of(ByteBuffer.allocateDirect(16384), (n, b) -> {
                seen.take(n, b, i -> true);
                if (seen.calls.get() == 2) throw new IllegalStateException("the program's bug");
                return true;
            }), seen);
            assertEquals(data.length, await(seen.end, TIMEOUT));
            assertFalse(await(seen.closed, TIMEOUT));
            assertEquals(List.of("end", "close:false"), seen.events);
            assertEquals(1, log.lines("onread callback").size(), log.text());
            assertTrue(log.text().contains("the program's bug"));
        }
    }

    @Test
    void tlsSocketConstructorOptionOverAnyStream() throws Exception {
        byte[] data = random(512 * 1024, 6);
        TlsServer server = sender(data);
        try (Closing c = closing(server)) {
            int port = listen(server);
            io.jtls.net.Socket tcp = new io.jtls.net.Socket();
            Seen seen = new Seen();
            TlsSocket socket = new TlsSocket(tcp, TlsSocketOptions.builder()
                    .onread(OnRead.of(ByteBuffer.allocateDirect(20000), (n, b) -> seen.take(n, b, i -> true))).build());
            seen.watch(socket);
            tcp.connect(port, "127.0.0.1", null); // after the listeners: nothing can be missed
            assertEquals(data.length, await(seen.end, TIMEOUT));
            assertEquals(sha256(data), seen.hash());
            assertEquals(0, seen.dataEvents.get());
        }
    }

    /**
     * Node has no {@code onread} for a server's connections; jtls's borrowed path there is the
     * raw reader: the plaintext of the loop's own buffer, uncopied. {@code 'end'} still comes;
     * the socket is ended by the program (the raw reader's contract).
     */
    @Test
    void serverSocketRawReaderGetsEveryByteBorrowed() throws Exception {
        byte[] data = random(2 << 20, 7);
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        AtomicLong bytes = new AtomicLong();
        AtomicInteger dataEvents = new AtomicInteger();
        CompletableFuture<String> serverEnd = new CompletableFuture<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), socket -> {
            socket.on(Duplex.DATA, b -> dataEvents.incrementAndGet());
            socket.on(Duplex.END, () -> {
                serverEnd.complete(HexFormat.of().formatHex(digest.digest()));
                socket.end("bye");
            });
            socket.setRawReader(b -> {
                assertTrue(b.isDirect(), "the loop's plaintext buffer, borrowed");
                bytes.addAndGet(b.remaining());
                digest.update(b);
            });
        });
        try (Closing c = closing(server)) {
            int port = listen(server);
            Client client = TlsTesting.connect(clientTo(port).build());
            await(client.secure());
            client.socket().loop().execute(() -> {
                for (int off = 0; off < data.length; off += 65536) {
                    client.socket().write(ByteBuffer.wrap(data, off, Math.min(65536, data.length - off)));
                }
                client.socket().end();
            });
            assertEquals(sha256(data), await(serverEnd, TIMEOUT));
            assertEquals(data.length, bytes.get());
            assertEquals(0, dataEvents.get());
            assertFalse(await(client.events().closed, TIMEOUT));
            assertEquals("bye", client.events().data());
        }
    }
}
