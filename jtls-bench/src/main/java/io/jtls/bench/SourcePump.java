package io.jtls.bench;

import io.jtls.net.Duplex;
import java.nio.ByteBuffer;

/**
 * The {@code source} mode's writer, server-node.js's {@code pump}: writes {@code total} bytes
 * in {@code chunk}-sized writes while {@code write} returns true, waits for {@code 'drain'}
 * when it returns false, and ends the stream after the last byte.
 *
 * <p>Every write hands the stream a {@link ByteBuffer#duplicate() duplicate} of one shared
 * direct buffer: the stream owns the position and limit it is given, the bytes are never
 * changed, so nothing is allocated per write but the 48-byte view, and nothing is copied
 * before OpenSSL encrypts it (a direct buffer goes to {@code SSL_write} as it is).
 */
final class SourcePump implements Runnable {
    private final Duplex stream;
    private final ByteBuffer chunk;
    private long left;

    private SourcePump(Duplex stream, ByteBuffer chunk, long total) {
        this.stream = stream;
        this.chunk = chunk;
        this.left = total;
    }

    /** Starts writing {@code total} bytes of {@code chunk} to {@code stream}. */
    static void start(Duplex stream, ByteBuffer chunk, long total) {
        new SourcePump(stream, chunk, total).run();
    }

    /** A direct buffer of {@code size} bytes of 'a' (0x61), as server-node.js's chunk. */
    static ByteBuffer chunkOf(int size) {
        ByteBuffer chunk = ByteBuffer.allocateDirect(size);
        while (chunk.hasRemaining()) chunk.put((byte) 0x61);
        return chunk.flip().asReadOnlyBuffer();
    }

    @Override
    public void run() {
        while (left > 0) {
            int n = (int) Math.min(left, chunk.capacity());
            left -= n;
            if (!stream.write(chunk.duplicate().limit(n))) {
                stream.once(Duplex.DRAIN, this);
                return;
            }
        }
        stream.end();
    }
}
