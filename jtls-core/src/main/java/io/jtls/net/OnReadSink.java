package io.jtls.net;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

/**
 * A stream's {@link OnRead} at work: which buffer the next read goes into, and the calls to the
 * program's callback. Loop-confined. Nothing here allocates per read: the buffer is the
 * program's, and a chunk read elsewhere is copied into it piece by piece.
 */
final class OnReadSink {
    private final OnRead option;
    private final Duplex stream; // for log lines
    /** The buffer the next read goes into; with the supplier form, null until a read needs one. */
    private ByteBuffer current;

    OnReadSink(OnRead option, Duplex stream) {
        this.option = option;
        this.stream = stream;
    }

    /** The buffer of the next read, cleared (the supplier is asked once per buffer used). */
    ByteBuffer target() {
        if (current == null) {
            current = option.nextBuffer();
        }
        return current.clear();
    }

    /** True when {@code chunk} is the buffer {@link #target()} gave, already filled by the implementation. */
    boolean filledInPlace(ByteBuffer chunk) {
        return chunk == current;
    }

    /** Hands over a buffer filled in place ({@link #filledInPlace}); false when the callback asked to stop. */
    boolean deliverInPlace(ByteBuffer chunk) {
        int n = chunk.remaining(); // the buffer is the chunk: the callback gets it as it is, [0, n)
        return n == 0 || call(n);
    }

    /**
     * Copies as much of {@code chunk} as the buffer holds into it (the chunk's position moves
     * past it) and calls back; false when the callback asked to stop.
     */
    boolean copyAndDeliver(ByteBuffer chunk) {
        ByteBuffer into = target();
        int n = Math.min(chunk.remaining(), into.capacity());
        into.put(0, chunk, chunk.position(), n);
        chunk.position(chunk.position() + n);
        return call(n);
    }

    private boolean call(int n) {
        ByteBuffer buffer = current;
        buffer.limit(n).position(0);
        if (option.nextBufferIsNew()) {
            current = null; // Node's buffer function: the next read asks for a buffer again
        }
        try {
            return option.callback().onRead(n, buffer);
        } catch (Throwable t) {
            // As a throwing listener: logged, and the stream goes on (Node's process survives
            // an onread callback's exception only through 'uncaughtException', and then reads on).
            EventEmitter.LOG.log(Level.ERROR, "onread callback on " + stream.describe() + " threw", t);
            return true;
        }
    }
}
