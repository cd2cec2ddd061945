package io.jtls.net;

import static io.jtls.net.NetTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.support.Waiting;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Node's {@code onread} on a TCP socket ({@code net.connect}): the bytes land in the program's
 * buffer (a direct one is read into by the kernel, with nothing in between), no {@code 'data'},
 * {@code 'end'} and {@code 'close'} as usual, false stops reading until {@code resume()}.
 */
class OnReadSocketTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** A server sending {@code data} then ending, to each connection. */
    private static Server sender(byte[] data) {
        return Net.createServer(socket -> socket.end(ByteBuffer.wrap(data)));
    }

    private static byte[] random(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }

    /** Gathers what the callback got; stops at call {@code stopAt} (0: never). */
    private static final class Gather implements OnRead.Callback {
        final byte[] got;
        final int stopAt;
        int length;
        final AtomicInteger calls = new AtomicInteger();
        final List<ByteBuffer> buffers = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> stopped = new CompletableFuture<>();

        Gather(int size, int stopAt) {
            this.got = new byte[size];
            this.stopAt = stopAt;
        }

        @Override
        public boolean onRead(int nread, ByteBuffer buffer) {
            assertTrue(nread > 0 && nread == buffer.remaining() && buffer.position() == 0);
            if (buffers.isEmpty() || buffers.get(buffers.size() - 1) != buffer) buffers.add(buffer);
            buffer.get(got, length, nread);
            length += nread;
            if (calls.incrementAndGet() == stopAt) {
                stopped.complete(length);
                return false;
            }
            return true;
        }
    }

    @Test
    void directBufferIsReadIntoAndDataGetsNothing() throws Exception {
        byte[] data = random(4 << 20);
        Server server = sender(data);
        try {
            int port = listen(server);
            Gather gather = new Gather(data.length, 0);
            ByteBuffer buffer = ByteBuffer.allocateDirect(16 * 1024);
            AtomicInteger dataEvents = new AtomicInteger();
            CompletableFuture<Void> ended = new CompletableFuture<>();
            Socket socket = new Socket();
            Recorder events = new Recorder(socket);
            socket.on(Duplex.DATA, b -> dataEvents.incrementAndGet());
            socket.on(Duplex.END, () -> ended.complete(null));
            socket.connect(ConnectOptions.builder().port(port).host("127.0.0.1").onread(OnRead.of(buffer, gather)).build(), null);
            await(ended);
            assertFalse(await(events.closed));
            assertArrayEquals(data, gather.got);
            assertEquals(List.of(buffer), gather.buffers);
            assertEquals(0, dataEvents.get());
            assertEquals(List.of("connect", "ready", "end", "finish", "close:false"), events.events);
        } finally {
            server.close();
        }
    }

    @Test
    void falseStopsReadingUntilResumeAndHeapBuffersWork() throws Exception {
        byte[] data = random(48 * 1024);
        Server server = sender(data);
        try {
            int port = listen(server);
            Gather gather = new Gather(data.length, 2);
            CompletableFuture<Void> ended = new CompletableFuture<>();
            Socket socket = Net.connect(ConnectOptions.builder().port(port).host("127.0.0.1")
                    .onread(OnRead.of(new byte[4096], gather)).build(), null);
            socket.on(Duplex.END, () -> ended.complete(null));
            int atStop = await(gather.stopped);
            // All 48 KiB and the FIN are in the kernel by now or soon: after a few polls of the
            // loop, nothing more was read, and 'end' waits.
            Waiting.loopTurns(socket.loop(), 4, TIMEOUT);
            assertEquals(2, gather.calls.get());
            assertEquals(0, socket.readableLength(), "nothing read ahead while stopped, as Node's handle");
            assertFalse(ended.isDone());
            assertFalse(socket.isPaused());
            socket.resume();
            await(ended);
            assertTrue(atStop <= 2 * 4096);
            assertArrayEquals(data, gather.got);
            assertEquals(data.length, gather.length);
        } finally {
            server.close();
        }
    }
}
