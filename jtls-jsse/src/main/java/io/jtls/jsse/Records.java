package io.jtls.jsse;

import io.jtls.internal.engine.TlsEngine;
import java.nio.ByteBuffer;

/** Moving bytes between JSSE's buffer arrays and the jtls engine, for {@link JtlsSslEngine}. */
final class Records {
    private Records() {}

    /** The next {@code chunk} bytes of the sources: a slice of one when it holds them all, else a copy. */
    static ByteBuffer gather(ByteBuffer[] srcs, int offset, int length, int chunk) {
        for (int i = offset; i < offset + length; i++) {
            ByteBuffer src = srcs[i];
            if (!src.hasRemaining()) {
                continue;
            }
            if (src.remaining() >= chunk) {
                ByteBuffer slice = src.slice(src.position(), chunk);
                src.position(src.position() + chunk);
                return slice;
            }
            break;
        }
        ByteBuffer copy = ByteBuffer.allocate(chunk);
        for (int i = offset; i < offset + length && copy.hasRemaining(); i++) {
            ByteBuffer src = srcs[i];
            int n = Math.min(src.remaining(), copy.remaining());
            copy.put(copy.position(), src, src.position(), n);
            copy.position(copy.position() + n);
            src.position(src.position() + n);
        }
        return copy.flip();
    }

    /** Decrypts the record just fed: straight into one buffer, or through a copy scattered over several. */
    static int readPlaintext(TlsEngine engine, ByteBuffer[] dsts, int offset, int length, long room) {
        ByteBuffer first = null;
        for (int i = offset; i < offset + length; i++) {
            if (dsts[i].hasRemaining()) {
                first = dsts[i];
                break;
            }
        }
        if (first != null && first.remaining() >= Math.min(room, JtlsSession.APPLICATION_BUFFER_SIZE)) {
            return Math.max(0, engine.clearOut(first));
        }
        ByteBuffer copy = ByteBuffer.allocate((int) Math.min(room, JtlsSession.APPLICATION_BUFFER_SIZE));
        int n = engine.clearOut(copy);
        copy.flip();
        for (int i = offset; i < offset + length && copy.hasRemaining(); i++) {
            ByteBuffer dst = dsts[i];
            int k = Math.min(dst.remaining(), copy.remaining());
            dst.put(dst.position(), copy, copy.position(), k);
            dst.position(dst.position() + k);
            copy.position(copy.position() + k);
        }
        return Math.max(0, n);
    }
}
