package io.jtls.net;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Two connected in-memory streams on one loop, Node's {@code stream.duplexPair()} (the
 * {@code DuplexPair} Node 20's {@code tls.createSecurePair} runs a {@code TLSSocket} over): what
 * is written to one end is read from the other, in order.
 *
 * <p>Backpressure works as between two sockets: a written chunk counts as flushed only once the
 * other end has taken it, which it does only while someone consumes it ({@code 'data'}, a raw
 * reader, {@code resume()}). So {@code write} returns false once 16 KiB wait for a reader that
 * paused, and {@code 'drain'} follows once it took them. {@code end()} on one end is
 * {@code 'end'} on the other after the bytes before it; the writer's {@code 'finish'} follows
 * the reader's {@code 'end'}, as in Node. Destroying one end is a closed connection for the
 * other: it still receives what was written before, then its input ends; what it writes from
 * then on is dropped (its write callbacks get {@code ERR_STREAM_DESTROYED}).
 */
public final class DuplexPair {
    private final Side first;
    private final Side second;

    /**
     * Two new connected ends on {@code loop}, half-open (a Node {@code Duplex}'s default).
     *
     * @param loop the event loop
     */
    public DuplexPair(EventLoop loop) {
        this(new Side(loop), new Side(loop));
    }

    /**
     * Connects two new, unconnected ends of the same loop (for subclasses of {@link Side}).
     *
     * @param first the first
     * @param second the second
     */
    public DuplexPair(Side first, Side second) {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        if (first == second || first.loop() != second.loop()) {
            throw new IllegalArgumentException("the ends of a pair are two streams of one loop");
        }
        if (first.other != null || second.other != null) {
            throw new IllegalArgumentException("an end is already paired");
        }
        first.other = second;
        second.other = first;
        this.first = first;
        this.second = second;
    }

    /**
     * Node's {@code pair[0]}.
     *
     * @return Node's {@code pair[0]}
     */
    public Side first() {
        return first;
    }

    /**
     * Node's {@code pair[1]}.
     *
     * @return Node's {@code pair[1]}
     */
    public Side second() {
        return second;
    }

    /** One end of a {@link DuplexPair}. Subclass it to give an end its own type. */
    public static class Side extends Duplex {
        private record Chunk(ByteBuffer bytes, Consumer<Throwable> callback) {}

        private Side other;
        private final ArrayDeque<Chunk> outgoing = new ArrayDeque<>(); // written here, not yet taken by other
        private boolean reading;       // someone consumes this end: the other end may deliver
        private boolean pumpScheduled; // a delivery of this end's writes is queued on the loop
        private boolean endRequested;  // end() was called on this end
        private boolean endDelivered;  // the other end got its end of input
        private long bytesRead;

        /**
         * An unconnected, half-open end on {@code loop} (Node's {@code Duplex} default: the end of
         * input does not end this end's writing); pass it to {@link DuplexPair#DuplexPair(Side, Side)}.
         *
         * @param loop the event loop
         */
        public Side(EventLoop loop) {
            this(loop, true);
        }

        /**
         * An unconnected end on {@code loop}; pass it to {@link DuplexPair#DuplexPair(Side, Side)}.
         *
         * @param loop          the event loop
         * @param allowHalfOpen whether the end of input leaves this end's writing open
         */
        public Side(EventLoop loop, boolean allowHalfOpen) {
            super(loop, allowHalfOpen);
        }

        /**
         * Bytes that arrived at this end from the other one (what the other end wrote and this one took).
         *
         * @return the long: bytes that arrived at this end from the other one (what the other end wrote and
         *         this one took)
         */
        public long bytesRead() {
            return bytesRead;
        }

        @Override
        protected void writeChunk(ByteBuffer chunk, Consumer<Throwable> callback) {
            outgoing.add(new Chunk(chunk, callback));
            schedulePump();
        }

        @Override
        protected void writeEnd() {
            endRequested = true;
            schedulePump();
        }

        @Override
        protected void readStart() {
            reading = true;
            if (other != null) other.schedulePump();
        }

        @Override
        protected void readStop() {
            reading = false;
        }

        /**
         * What this end wrote still reaches the other end (a TLS alert written just before the
         * TLS layer destroys its stream), then the other end's input ends, as a closed connection
         * ends its peer's: a pipe from the other end ends its destination in turn.
         */
        @Override
        protected void destroyImpl(Throwable error) {
            reading = false;
            if (other == null || other.destroyed()) {
                failOutgoing();
                return;
            }
            for (Chunk chunk; (chunk = outgoing.poll()) != null; ) {
                other.bytesRead += chunk.bytes.remaining();
                other.push(chunk.bytes); // queued by the other end if nobody reads it now
                callLater(chunk.callback, null);
            }
            if (!endDelivered) {
                endDelivered = true;
                other.pushEnd();
            }
            other.schedulePump(); // its queued writes fail, its end() finishes: nobody reads them now
        }

        /** The other end is gone: what waits for it will never be read. */
        private void failOutgoing() {
            NetException gone = new NetException("ERR_STREAM_DESTROYED", "Cannot call write after a stream was destroyed");
            for (Chunk chunk; (chunk = outgoing.poll()) != null; ) {
                flushed(chunk.bytes.remaining());
                callLater(chunk.callback, gone);
            }
        }

        /** Delivers this end's writes on a later turn of the loop: never inside the {@code write} call. */
        private void schedulePump() {
            if (pumpScheduled) return;
            pumpScheduled = true;
            loop.execute(this::pump);
        }

        /** Hands queued writes to the other end while it reads, then the end of input once all went. */
        private void pump() {
            pumpScheduled = false;
            if (destroyed() || other == null) return;
            if (other.destroyed()) {
                failOutgoing();
                if (endRequested) finished();
                return;
            }
            while (!outgoing.isEmpty() && other.reading) {
                Chunk chunk = outgoing.poll();
                int size = chunk.bytes.remaining();
                other.bytesRead += size;
                if (!other.push(chunk.bytes)) other.reading = false; // it paused: wait for readStart
                flushed(size);
                callLater(chunk.callback, null);
            }
            if (endRequested && outgoing.isEmpty() && !endDelivered) {
                endDelivered = true;
                other.once(END, this::finished); // Node's _final: 'finish' after the reader's 'end'
                other.pushEnd();
            }
        }
    }
}
