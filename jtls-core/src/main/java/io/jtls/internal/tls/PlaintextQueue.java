package io.jtls.internal.tls;

import io.jtls.internal.engine.TlsEngine;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Plaintext written to a TLS socket and not yet encrypted: held while the handshake runs (Node
 * buffers writes until the connection is secure) and while the transport pushes back, and
 * coalesced on the way into the engine.
 *
 * <p>Coalescing: the engine is always handed a whole number of maximum-size records (16 KiB)
 * except for the last bytes queued, so that records on the wire are full 16 KiB records except
 * the last, never a 16 KiB + 2 KiB pair per write. A chunk at the head that holds whole records
 * goes to the engine as it is, cut at its last whole record (no copy for a direct buffer); what
 * is left of it and the small chunks after it are copied into a staging buffer of a few records
 * and encrypted with one {@code SSL_write}: a burst of small writes in one loop turn becomes full
 * records instead of one record per write. Loop thread only.
 */
public final class PlaintextQueue {
    private record Pending(ByteBuffer data, Consumer<Throwable> callback) {}

    private static final ArrayDeque<Pending> NONE = new ArrayDeque<>(0);

    /** Made on the first write that has to wait, dropped when empty: an idle connection holds none. */
    private ArrayDeque<Pending> chunks = NONE;

    public boolean isEmpty() {
        return chunks.isEmpty();
    }

    /** Queues {@code data} (owned from now on) and its write callback (may be null). */
    public void add(ByteBuffer data, Consumer<Throwable> callback) {
        if (chunks == NONE) {
            chunks = new ArrayDeque<>(4);
        }
        chunks.add(new Pending(data, callback));
    }

    /**
     * Encrypts the next record's worth of queued plaintext (or one large chunk). Callbacks of
     * chunks fully taken go to {@code done}.
     *
     * @return the number of plaintext bytes the engine took (0: it takes nothing now, e.g. while
     *         the peer renegotiates; everything stays queued)
     * @throws io.jtls.error.TlsException when the engine fails
     */
    public long encryptNext(TlsEngine engine, Consumer<Consumer<Throwable>> done) {
        Pending head = chunks.peek();
        if (head == null) {
            return 0;
        }
        int remaining = head.data.remaining();
        if (chunks.size() == 1 || remaining >= LoopBuffers.RECORD_SIZE) {
            // The last chunk goes whole; another is cut at its last whole record.
            int offer = chunks.size() == 1 ? remaining : remaining - remaining % LoopBuffers.RECORD_SIZE;
            int limit = head.data.limit();
            head.data.limit(head.data.position() + offer);
            int taken;
            try {
                taken = engine.clearIn(head.data);
            } finally {
                head.data.limit(limit);
            }
            if (!head.data.hasRemaining()) {
                complete(done);
            }
            return taken;
        }
        LoopBuffers buffers = LoopBuffers.get();
        ByteBuffer staging = buffers.acquireStaging();
        try {
            // Copies without consuming: the engine may take less, or nothing (SSL_write wants to
            // read while the peer renegotiates), and what it leaves must stay queued.
            for (Pending p : chunks) {
                if (!staging.hasRemaining()) {
                    break;
                }
                ByteBuffer data = p.data.duplicate();
                data.limit(data.position() + Math.min(data.remaining(), staging.remaining()));
                staging.put(data);
            }
            staging.flip();
            int taken = engine.clearIn(staging);
            consume(taken, done);
            return taken;
        } finally {
            buffers.release();
        }
    }

    /** Drops the first {@code bytes} queued bytes, completing the chunks they finish. */
    private void consume(int bytes, Consumer<Consumer<Throwable>> done) {
        while (bytes > 0) {
            ByteBuffer data = chunks.peek().data;
            int n = Math.min(bytes, data.remaining());
            data.position(data.position() + n);
            bytes -= n;
            if (!data.hasRemaining()) {
                complete(done);
            }
        }
    }

    /** Drops everything queued, handing each callback to {@code dropped}. */
    public void clear(Consumer<Consumer<Throwable>> dropped) {
        Pending p;
        while ((p = chunks.poll()) != null) {
            if (p.callback != null) {
                dropped.accept(p.callback);
            }
        }
        chunks = NONE;
    }

    private void complete(Consumer<Consumer<Throwable>> done) {
        Pending finished = chunks.poll();
        if (chunks.isEmpty()) {
            chunks = NONE;
        }
        if (finished.callback != null) {
            done.accept(finished.callback);
        }
    }
}
