package io.jtls.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The chunks a socket could not write at once, flushed with gathering writes. The buffers are
 * the writers' own (no copy); a chunk's callback is handed on when its last byte is written.
 * Loop thread only. Kept as two parallel arrays so that {@code write(ByteBuffer[], off, len)}
 * can take the pending run directly.
 */
final class WriteQueue {
    /** Linux's IOV_MAX: the most buffers one writev takes. */
    private static final int MAX_GATHER = 1024;

    private ByteBuffer[] chunks = new ByteBuffer[8];
    private Object[] callbacks = new Object[8];
    private int head;
    private int tail;

    boolean isEmpty() {
        return head == tail;
    }

    void add(ByteBuffer chunk, Consumer<Throwable> callback) {
        if (tail == chunks.length) makeRoom();
        chunks[tail] = chunk;
        callbacks[tail] = callback;
        tail++;
    }

    /**
     * Writes as much as {@code channel} takes; returns the byte count. Callbacks of the chunks
     * written completely go to {@code done}.
     */
    @SuppressWarnings("unchecked")
    long writeTo(GatheringByteChannel channel, Consumer<Consumer<Throwable>> done) throws IOException {
        long total = 0;
        while (head < tail) {
            long n = channel.write(chunks, head, Math.min(tail - head, MAX_GATHER));
            total += n;
            while (head < tail && !chunks[head].hasRemaining()) {
                Object callback = callbacks[head];
                chunks[head] = null;
                callbacks[head] = null;
                head++;
                if (callback != null) done.accept((Consumer<Throwable>) callback);
            }
            if (n == 0) break;
        }
        if (head == tail) head = tail = 0;
        return total;
    }

    /** Drops every chunk, handing their callbacks to {@code dropped}. */
    @SuppressWarnings("unchecked")
    void clear(Consumer<Consumer<Throwable>> dropped) {
        for (int i = head; i < tail; i++) {
            if (callbacks[i] != null) dropped.accept((Consumer<Throwable>) callbacks[i]);
        }
        Arrays.fill(chunks, null);
        Arrays.fill(callbacks, null);
        head = tail = 0;
    }

    private void makeRoom() {
        int live = tail - head;
        if (head > 0 && live < chunks.length / 2) {
            System.arraycopy(chunks, head, chunks, 0, live);
            System.arraycopy(callbacks, head, callbacks, 0, live);
            Arrays.fill(chunks, live, tail, null);
            Arrays.fill(callbacks, live, tail, null);
        } else {
            chunks = Arrays.copyOfRange(chunks, head, head + chunks.length * 2);
            callbacks = Arrays.copyOfRange(callbacks, head, head + callbacks.length * 2);
        }
        head = 0;
        tail = live;
    }
}
