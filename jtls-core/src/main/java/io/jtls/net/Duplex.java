package io.jtls.net;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Node's {@code stream.Duplex} for bytes: the contract between a transport (a {@link Socket}, or a
 * TLS connection layered on one) and its user. See the package documentation for the full
 * contract and the threading model.
 *
 * <h2>For users</h2>
 * The readable side delivers {@link #DATA} chunks while flowing (adding a {@code 'data'}
 * listener or calling {@link #resume()} starts the flow, {@link #pause()} stops it) and
 * {@link #END} once the peer has finished. The writable side takes {@link #write} calls,
 * returning {@code false} when {@link #writableLength()} has reached the high-water mark
 * (16 KiB, Node's default) and emitting {@link #DRAIN} once it is empty again; {@link #end()}
 * finishes it ({@link #FINISH}). {@link #destroy(Throwable)} tears both down: {@code 'error'}
 * (if any), then {@code 'close'}, each once and in that order, after the current call returns.
 * With {@code allowHalfOpen} false (the default) the end of the readable side ends the
 * writable side too, and a stream whose sides have both ended closes itself.
 * While nobody reads (no {@code 'data'} listener yet, or paused), a socket still reads ahead up
 * to the high-water mark, as Node's readable buffer fills: the bytes wait
 * ({@link #readableLength()}), and a peer that ends or resets is noticed.
 *
 * <h2>For implementations</h2>
 * A subclass moves bytes and reports what happened; this class keeps Node's state machine:
 * <ul>
 *   <li>incoming: {@link #push(ByteBuffer)} for each chunk (borrowed, copied only if needed),
 *       {@link #pushEnd()} at end of input; follow {@link #readStart()}/{@link #readStop()}
 *       to pull from the source only while someone consumes;</li>
 *   <li>outgoing: {@link #writeChunk} hands over each chunk, {@link #flushed(long)} reports
 *       bytes that left the implementation's queue, {@link #writeEnd()} asks for the
 *       half-close after the queued bytes, {@link #finished()} confirms it;</li>
 *   <li>failure: {@link #destroy(Throwable)}; {@link #destroyImpl(Throwable)} releases
 *       resources.</li>
 * </ul>
 * All of these run on {@link #loop()}'s thread; the public methods below may be called from any
 * thread and are handed to the loop.
 */
public abstract class Duplex extends EventEmitter implements AutoCloseable {
    /**
     * {@code 'data'} with bytes: a heap buffer the listener may keep (no copy needed). Each
     * listener gets its own view of the same bytes, so one that reads its buffer does not
     * empty it for the next. One heap chunk per read is what this costs: with no listener
     * (flowing after {@link #resume()}) nothing is copied, and {@link OnRead} or
     * {@link #setRawReader} read without a chunk.
     */
    public static final Event<ByteBuffer> DATA = new Event<>("data");
    /** {@code 'data'} after {@link #setEncoding(Charset)}: decoded text, never split inside a character. */
    public static final Event<String> TEXT = new Event<>("data");
    /** {@code 'end'}: the peer will send nothing more and every chunk has been delivered. */
    public static final Signal END = new Signal("end");
    /** {@code 'finish'}: {@link #end()} was called and every written byte has been flushed. */
    public static final Signal FINISH = new Signal("finish");
    /** {@code 'drain'}: a {@code write} returned false and the write queue is empty again. */
    public static final Signal DRAIN = new Signal("drain");
    /** {@code 'close'} with {@code hadError}: emitted once, last. */
    public static final Event<Boolean> CLOSE = new Event<>("close");
    /** {@code 'pause'} and {@code 'resume'}: the flow stopped or started. */
    public static final Signal PAUSE = new Signal("pause");
    /** Node's {@code 'resume'} event. */
    public static final Signal RESUME = new Signal("resume");

    /** Node's default {@code highWaterMark} for byte streams. */
    public static final int DEFAULT_HIGH_WATER_MARK = 16 * 1024;
    /** The most one read hands a program as a chunk (Node reads sockets 64 KiB at a time). */
    private static final int CHUNK_SIZE = 64 * 1024;

    private static final VarHandle HANDOFF;
    static {
        try {
            HANDOFF = MethodHandles.lookup().findVarHandle(Duplex.class, "handoffBytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The loop this stream lives on. */
    protected final EventLoop loop;
    private final boolean allowHalfOpen;

    // Readable side (loop thread). flowing mirrors Node's readableFlowing: null, true, false.
    private Boolean flowing;
    private RawReader rawReader;
    private OnReadSink onRead; // Node's onread option; null for 'data'
    private boolean onReadStopped; // the onread callback returned false: nothing is read until resume()
    private ArrayDeque<ByteBuffer> readQueue; // owned chunks pushed while paused; usually null
    private long readQueuedBytes; // the bytes in readQueue (Node's readableLength)
    private boolean readAheadStopped; // pauseOnConnect: nothing is read until the first resume()
    private boolean readEof;
    private boolean endEmitted;
    private CharsetDecoder decoder;
    private ByteBuffer decoderCarry; // an incomplete character's first bytes

    // Writable side (loop thread, except handoffBytes).
    private long writableLength;
    private volatile long handoffBytes; // bytes written by other threads, still on their way to the loop
    private boolean needDrain;
    private boolean drainScheduled;
    private boolean ending;
    private boolean finished;
    private boolean finishEmitted;

    private boolean destroyed;
    private boolean closed;

    /**
     * A new {@code Duplex}, for subclasses.
     *
     * @param loop the event loop
     * @param allowHalfOpen true to keep the writable side open after the peer's end
     */
    protected Duplex(EventLoop loop, boolean allowHalfOpen) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.allowHalfOpen = allowHalfOpen;
    }

    // ---------------------------------------------------------------- implementation hooks

    /**
     * Takes {@code chunk} (ownership passes: the caller no longer touches it) for writing; call
     * {@link #flushed(long)} as its bytes leave and {@code callback} (if not null, through
     * {@link #callLater}) once it is all written.
     *
     * @param chunk the bytes
     * @param callback called when done
     */
    protected abstract void writeChunk(ByteBuffer chunk, Consumer<Throwable> callback);

    /**
     * Like {@link #writeChunk} but {@code chunk} stays the caller's: write what can go now and
     * copy only the rest. The default copies it all.
     *
     * @param chunk the bytes
     */
    protected void writeBorrowedChunk(ByteBuffer chunk) {
        writeChunk(copy(chunk), null);
    }

    /** {@link #end()} was called: after the queued bytes, half-close and call {@link #finished()}. */
    protected abstract void writeEnd();

    /** Someone consumes now ({@code 'data'} listener, {@link #resume()}, a raw reader): read from the source. */
    protected abstract void readStart();

    /** Consumption paused: stop reading from the source (bytes already read may still be pushed). */
    protected abstract void readStop();

    /**
     * Release the resources: the stream is destroyed ({@code error} is null for a normal close).
     *
     * @param error the error, or null
     */
    protected abstract void destroyImpl(Throwable error);

    /**
     * Delivers incoming bytes, borrowed (valid only during this call). Returns true while the
     * consumer wants more, false when the source should stop (paused).
     *
     * @param chunk the bytes
     * @return true while the consumer wants more, false when the source should stop (paused)
     */
    protected final boolean push(ByteBuffer chunk) {
        if (destroyed || readEof) return false;
        boolean queueEmpty = readQueue == null || readQueue.isEmpty();
        if (rawReader != null && flowing != Boolean.FALSE && queueEmpty) {
            rawReader.onBytes(chunk);
            return flowing != Boolean.FALSE && !destroyed;
        }
        if (rawReader == null && onRead != null && consuming() && queueEmpty) {
            if (deliverOnRead(chunk) || destroyed) return consuming() && !destroyed;
            // the callback stopped reading inside this chunk: its rest waits in the queue
        } else if (rawReader == null && onRead == null && flowing == Boolean.TRUE && queueEmpty) {
            emitChunk(chunk, true);
            return flowing == Boolean.TRUE && !destroyed;
        }
        if (readQueue == null) readQueue = new ArrayDeque<>(4);
        readQueuedBytes += chunk.remaining();
        readQueue.add(copy(chunk));
        if (consuming()) scheduleFlow(); // behind older chunks that a scheduled flow delivers first
        return false;
    }

    /**
     * True once {@link #pushEnd()} was called: the source has nothing more to give.
     *
     * @return true once the source has ended
     */
    protected final boolean sourceEnded() {
        return readEof;
    }

    /** The source has ended (Node's {@code push(null)}): {@code 'end'} follows once the queue is consumed. */
    protected final void pushEnd() {
        if (destroyed || readEof) return;
        readEof = true;
        scheduleFlow();
    }

    /**
     * {@code bytes} of what was written have left the implementation's buffers.
     *
     * @param bytes the bytes
     */
    protected final void flushed(long bytes) {
        writableLength -= bytes;
        if (needDrain && writableLength == 0 && !drainScheduled) {
            drainScheduled = true;
            loop.execute(this::emitDrain);
        }
    }

    /** The write side has been closed after {@link #writeEnd()}: emits {@code 'finish'}. */
    protected final void finished() {
        if (finished || destroyed) return;
        finished = true;
        loop.execute(() -> {
            if (destroyed) return;
            finishEmitted = true;
            emit(FINISH);
            if (endEmitted) destroy(null); // both sides done: Node's autoDestroy
        });
    }

    /**
     * Runs a write callback later on the loop, never inside the {@code write} call that queued it.
     *
     * @param callback called when done
     * @param error the error, or null
     */
    protected final void callLater(Consumer<Throwable> callback, Throwable error) {
        if (callback != null) loop.execute(() -> callback.accept(error));
    }

    // ---------------------------------------------------------------- public: readable side

    /**
     * Starts or continues the flow of {@code 'data'} (Node's {@code readable.resume()}).
     *
     * @return this stream
     */
    public Duplex resume() {
        // Directly on the loop (no task object): resume/pause/end/destroy run once or more per connection.
        if (loop.inEventLoop()) resumeNow();
        else loop.execute(this::resumeNow);
        return this;
    }

    private void resumeNow() {
        if (destroyed) return;
        boolean restart = onReadStopped; // Node's resume() restarts an onread socket's reading
        onReadStopped = false;
        if (flowing == Boolean.TRUE) {
            if (restart) {
                if (!readEof) readStart();
                scheduleFlow();
            }
            return;
        }
        flowing = Boolean.TRUE;
        readAheadStopped = false;
        emit(RESUME);
        if (!readEof) readStart();
        scheduleFlow();
    }

    /**
     * Stops the flow of {@code 'data'} until {@link #resume()}.
     *
     * @return this stream
     */
    public Duplex pause() {
        if (loop.inEventLoop()) pauseNow();
        else loop.execute(this::pauseNow);
        return this;
    }

    private void pauseNow() {
        if (flowing == Boolean.FALSE) return;
        flowing = Boolean.FALSE;
        emit(PAUSE);
        if (!destroyed) readStop();
    }

    /**
     * True after {@link #pause()} (Node's {@code readable.isPaused()}).
     *
     * @return true after {@link #pause()} (Node's {@code readable.isPaused()})
     */
    public boolean isPaused() {
        return flowing == Boolean.FALSE;
    }

    /**
     * From now on, deliver {@code 'data'} as text ({@link #TEXT}) decoded with {@code charset};
     * characters split across chunks are reassembled, malformed input becomes U+FFFD.
     *
     * @param charset the character set
     * @return this stream
     */
    public Duplex setEncoding(Charset charset) {
        Objects.requireNonNull(charset, "charset");
        loop.run(() -> decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE));
        return this;
    }

    /**
     * Hands every incoming chunk to {@code reader}, borrowed and uncopied, instead of emitting
     * {@code 'data'}: the hook for a protocol layered on this stream. {@code 'end'},
     * {@code 'close'} and {@code 'error'} are still emitted; flow control is still
     * {@link #pause()}/{@link #resume()}. Starts the flow unless paused. Null removes the hook.
     *
     * <p>The layer also owns the writable side's end: while a raw reader is installed,
     * {@code 'end'} does not end this stream even if {@code allowHalfOpen} is false; the layer
     * calls {@link #end()} after its own last write (TLS: after close_notify).
     *
     * <p>On a TLS socket this is also the program's borrowed read path, the counterpart on a
     * server's connections of Node's {@code onread} (which Node offers to clients only, see
     * {@link OnRead}): the reader gets the loop's own plaintext buffer, uncopied and valid
     * during the call, and no chunk is allocated per read. Call {@link #end()} at
     * {@code 'end'} (the rule above).
     *
     * @param reader the reader
     * @return this stream
     */
    public Duplex setRawReader(RawReader reader) {
        if (loop.inEventLoop()) setRawReaderNow(reader);
        else loop.execute(() -> setRawReaderNow(reader));
        return this;
    }

    private void setRawReaderNow(RawReader reader) {
        rawReader = reader;
        if (reader != null && flowing == null) resume();
        else if (reader != null) scheduleFlow(); // hand over what was queued while nobody read
    }

    /**
     * Writes everything read from this stream to {@code destination}, pausing while it is full,
     * and ends it when this stream ends (Node's {@code readable.pipe(dest)}). Returns the destination.
     *
     * @param <D> the stream type
     * @param destination where the data goes
     * @return the destination
     */
    public <D extends Duplex> D pipe(D destination) {
        return pipe(destination, true);
    }

    /**
     * {@link #pipe(Duplex)}, ending the destination at {@code 'end'} only if {@code end} is true.
     *
     * @param <D> the stream type
     * @param destination where the data goes
     * @param end whether to end the destination at the source's end
     * @return {@link #pipe(Duplex)}, ending the destination at {@code 'end'} only if {@code end} is true
     */
    public <D extends Duplex> D pipe(D destination, boolean end) {
        // Attach on the loop: adding the first 'data' listener starts the flow, and from another
        // thread the loop could emit a chunk between the two listener registrations below.
        if (!loop.inEventLoop()) {
            loop.execute(() -> pipe(destination, end));
            return destination;
        }
        Consumer<ByteBuffer> onData = chunk -> {
            if (!destination.write(chunk)) pause();
        };
        Consumer<String> onText = text -> {
            if (!destination.write(text)) pause();
        };
        Runnable onDrain = this::resume;
        destination.on(DRAIN, onDrain);
        destination.once(CLOSE, hadError -> {
            off(DATA, onData);
            off(TEXT, onText);
        });
        if (end) once(END, destination::end);
        on(TEXT, onText);
        on(DATA, onData);
        return destination;
    }

    // ---------------------------------------------------------------- public: writable side

    /**
     * Writes {@code data}, which passes to the stream (do not change it afterwards). False: wait for {@code 'drain'}.
     *
     * @param data the bytes
     * @return true when it succeeded
     */
    public boolean write(ByteBuffer data) {
        return write(data, null);
    }

    /**
     * Writes {@code data}; {@code callback} gets null once it is flushed, or the error that prevented it.
     *
     * @param data the bytes
     * @param callback called when done
     * @return true when it succeeded
     */
    public boolean write(ByteBuffer data, Consumer<Throwable> callback) {
        return submit(Objects.requireNonNull(data, "data"), callback, false);
    }

    /**
     * Writes {@code data} without copying it (do not change the array afterwards).
     *
     * @param data the bytes
     * @return true when it succeeded
     */
    public boolean write(byte[] data) {
        return write(ByteBuffer.wrap(data), null);
    }

    /**
     * Writes {@code data}; {@code callback} hears when it is flushed or failed.
     *
     * @param data the bytes
     * @param callback called when done
     * @return false when the buffer is above the high-water mark (wait for {@code 'drain'})
     */
    public boolean write(byte[] data, Consumer<Throwable> callback) {
        return write(ByteBuffer.wrap(data), callback);
    }

    /**
     * Writes {@code text} as UTF-8 (Node's default encoding).
     *
     * @param text the text
     * @return true when it succeeded
     */
    public boolean write(String text) {
        return write(text, StandardCharsets.UTF_8, null);
    }

    /**
     * Writes {@code text} encoded in {@code charset}.
     *
     * @param text the text
     * @param charset the character set
     * @return false when the buffer is above the high-water mark (wait for {@code 'drain'})
     */
    public boolean write(String text, Charset charset) {
        return write(text, charset, null);
    }

    /**
     * The write.
     *
     * @param text the text
     * @param charset the character set
     * @param callback called when done
     * @return false when the buffer is above the high-water mark (wait for {@code 'drain'})
     */
    public boolean write(String text, Charset charset, Consumer<Throwable> callback) {
        return write(ByteBuffer.wrap(text.getBytes(charset)), callback);
    }

    /**
     * Writes bytes the caller keeps: the stream takes what it can write at once and copies only
     * the rest (from another thread, it copies all). For a layer that produces its output in a
     * reused buffer, e.g. TLS records read out of OpenSSL. Same return value as {@link #write}.
     *
     * @param data the bytes
     * @return true when it succeeded
     */
    public boolean writeBorrowed(ByteBuffer data) {
        return loop.inEventLoop() ? submit(data, null, true) : submit(copy(data), null, false);
    }

    /**
     * Finishes the writable side once everything written is flushed (Node's {@code writable.end()}).
     *
     * @return this stream
     */
    public Duplex end() {
        return end((Runnable) null);
    }

    /**
     * {@link #end()}, calling {@code onFinish} at {@code 'finish'}.
     *
     * @param onFinish called on {@code 'finish'}
     * @return this stream
     */
    public Duplex end(Runnable onFinish) {
        if (loop.inEventLoop()) endNow(onFinish);
        else loop.execute(() -> endNow(onFinish));
        return this;
    }

    /**
     * Writes {@code data}, then ends.
     *
     * @param data the bytes
     * @return this stream
     */
    public Duplex end(ByteBuffer data) {
        write(data);
        return end();
    }

    /**
     * Writes {@code data}, then ends the writable side.
     *
     * @param data the bytes
     * @return this stream
     */
    public Duplex end(byte[] data) {
        return end(ByteBuffer.wrap(data));
    }

    /**
     * Writes {@code text} (UTF-8), then ends the writable side.
     *
     * @param text the text
     * @return this stream
     */
    public Duplex end(String text) {
        write(text);
        return end();
    }

    /**
     * Closes both sides now, dropping unwritten data; emits {@code 'close'} (Node's {@code destroy()}).
     *
     * @return this stream
     */
    public Duplex destroy() {
        return destroy(null);
    }

    /**
     * Closes both sides now; emits {@code 'error'} with {@code error} (if not null), then
     * {@code 'close'} with {@code hadError}, on the loop after this call returns.
     *
     * @param error the error, or null
     * @return this stream
     */
    public Duplex destroy(Throwable error) {
        if (loop.inEventLoop()) destroyNow(error);
        else loop.execute(() -> destroyNow(error));
        return this;
    }

    // ---------------------------------------------------------------- state

    /**
     * The event loop whose thread runs this stream: schedule your own work on it.
     *
     * @return the event loop whose thread runs this stream: schedule your own work on it
     */
    public EventLoop loop() {
        return loop;
    }

    /**
     * Whether the writable side stays open after the peer's end (Node's {@code allowHalfOpen}).
     *
     * @return whether the stream allows half-open
     */
    public boolean allowHalfOpen() {
        return allowHalfOpen;
    }

    /**
     * Bytes written but not yet flushed (Node's {@code writableLength}); approximate off the loop.
     *
     * @return the long: bytes written but not yet flushed (Node's {@code writableLength}); approximate off
     *         the loop
     */
    public long writableLength() {
        return writableLength + handoffBytes;
    }

    /**
     * Node's {@code writableHighWaterMark}.
     *
     * @return Node's {@code writableHighWaterMark}
     */
    public int writableHighWaterMark() {
        return DEFAULT_HIGH_WATER_MARK;
    }

    /**
     * True when a {@code write} returned false and {@code 'drain'} has not been emitted yet.
     *
     * @return true when a {@code write} returned false and {@code 'drain'} has not been emitted yet
     */
    public boolean writableNeedDrain() {
        return needDrain;
    }

    /**
     * True after {@link #end()} (Node's {@code writableEnded}).
     *
     * @return true after {@link #end()} (Node's {@code writableEnded})
     */
    public boolean writableEnded() {
        return ending;
    }

    /**
     * True after {@code 'finish'} (Node's {@code writableFinished}).
     *
     * @return true after {@code 'finish'} (Node's {@code writableFinished})
     */
    public boolean writableFinished() {
        return finished;
    }

    /**
     * True after {@code 'end'} (Node's {@code readableEnded}).
     *
     * @return true after {@code 'end'} (Node's {@code readableEnded})
     */
    public boolean readableEnded() {
        return endEmitted;
    }

    /**
     * True after {@link #destroy} (Node's {@code destroyed}).
     *
     * @return true after {@link #destroy} (Node's {@code destroyed})
     */
    public boolean destroyed() {
        return destroyed;
    }

    /**
     * True after {@code 'close'} was emitted (Node's {@code closed}).
     *
     * @return true after {@code 'close'} was emitted (Node's {@code closed})
     */
    public boolean closed() {
        return closed;
    }

    // ---------------------------------------------------------------- internals

    @Override
    protected void listenerAdded(EventKey<?> key) {
        if ((key == DATA || key == TEXT) && flowing == null) {
            resume();
        }
    }

    /**
     * Whether the implementation should be reading: flowing, or a raw reader without a pause.
     *
     * @return whether the implementation should be reading: flowing, or a raw reader without a pause
     */
    protected final boolean isReadingWanted() {
        return !destroyed && !readEof && consuming();
    }

    /**
     * Whether the implementation should read from its source now: while someone consumes, and
     * also, as Node's readable buffer fills up to its high-water mark, while nobody does (not
     * flowing yet, or paused): chunks read ahead wait in the queue, and a peer that ends or
     * resets the connection is noticed even by a stream nobody reads (its {@code 'end'} comes
     * once what was queued is consumed). Not after {@link #stopReadAhead()} until the next
     * {@link #resume()}.
     *
     * @return true when the implementation should read now
     */
    protected final boolean isReadAheadWanted() {
        // An onread stream reads nothing ahead: Node stops its handle while the callback's
        // answer or pause() says so, and the bytes wait in the kernel, not in a copy here.
        return isReadingWanted() || (onRead == null && !destroyed && !readEof && !readAheadStopped
                && readQueuedBytes < DEFAULT_HIGH_WATER_MARK);
    }

    /** Node's {@code pauseOnConnect}: nothing is read, not even ahead, until {@link #resume()}. */
    protected final void stopReadAhead() {
        readAheadStopped = true;
    }

    /**
     * Node's {@code onread} option, for implementations: from now on incoming bytes go to
     * {@code option}'s buffer and callback instead of {@code 'data'} (see {@link OnRead}). Call
     * it before the stream reads (while it is built, or on the loop before connecting); null
     * leaves the stream as it is.
     *
     * @param option the option, or null
     */
    protected final void useOnRead(OnRead option) {
        if (option != null) onRead = new OnReadSink(option, this);
    }

    /**
     * Where an implementation should put the next bytes it reads, to push them afterwards: the
     * {@code onread} buffer itself when it is direct and will be handed over at once (the bytes
     * then go straight from the source to the program, with no copy), else {@code fallback}: all
     * of it for a {@link #setRawReader raw reader}, which borrows the bytes, otherwise at most
     * 64 KiB (Node's chunk size), and no more than the {@code onread} buffer's capacity when
     * there is one (so that each read fits one callback). Fill the returned buffer from its
     * position, flip it and {@link #push} it.
     *
     * @param fallback the implementation's own buffer, cleared
     * @return the buffer to read into
     */
    protected final ByteBuffer readTarget(ByteBuffer fallback) {
        if (rawReader != null) return fallback; // a reader that borrows the bytes takes them all
        if (fallback.remaining() > CHUNK_SIZE) fallback.limit(fallback.position() + CHUNK_SIZE);
        boolean queueEmpty = readQueue == null || readQueue.isEmpty();
        if (onRead == null || destroyed || !consuming() || !queueEmpty) return fallback;
        ByteBuffer target;
        try {
            target = onRead.target();
        } catch (RuntimeException e) { // the program's buffer supplier failed: as Node, the stream fails
            destroyNow(e);
            return fallback;
        }
        if (target.isDirect()) return target;
        return fallback.limit(Math.min(fallback.limit(), fallback.position() + target.capacity()));
    }

    /**
     * Bytes read but not delivered yet (Node's {@code readableLength}).
     *
     * @return the bytes waiting in the readable queue
     */
    public long readableLength() {
        return readQueuedBytes;
    }

    private boolean submit(ByteBuffer data, Consumer<Throwable> callback, boolean borrowed) {
        if (loop.inEventLoop()) return writeNow(data, callback, borrowed);
        long size = data.remaining();
        long inFlight = (long) HANDOFF.getAndAdd(this, size) + size;
        boolean accepted = !destroyed && !ending;
        boolean belowMark = accepted && writableLength + inFlight < DEFAULT_HIGH_WATER_MARK;
        loop.execute(() -> {
            HANDOFF.getAndAdd(this, -size);
            writeNow(data, callback, false);
            if (!belowMark && accepted && !destroyed) {
                needDrain = true;
                flushed(0); // the loop may have flushed it all already: then 'drain' is due now
            }
        });
        return belowMark;
    }

    private boolean writeNow(ByteBuffer data, Consumer<Throwable> callback, boolean borrowed) {
        if (ending) { // checked before destroyed, as Node's _write: a write after end() is that, closed or not
            NetException error = new NetException("ERR_STREAM_WRITE_AFTER_END", "write after end");
            callLater(callback, error);
            destroyNow(error); // 'error' unless already destroyed (Node's errorOrDestroy)
            return false;
        }
        if (destroyed) {
            callLater(callback, new NetException("ERR_STREAM_DESTROYED", "Cannot call write after a stream was destroyed"));
            return false;
        }
        writableLength += data.remaining();
        boolean belowMark = writableLength < DEFAULT_HIGH_WATER_MARK;
        if (!belowMark) needDrain = true;
        if (borrowed) writeBorrowedChunk(data);
        else writeChunk(data, callback);
        return belowMark;
    }

    private void endNow(Runnable onFinish) {
        if (onFinish != null) {
            if (finished) loop.execute(onFinish);
            else once(FINISH, onFinish);
        }
        if (ending) return;
        ending = true;
        if (!destroyed) writeEnd();
    }

    private void destroyNow(Throwable error) {
        if (destroyed) return;
        destroyed = true;
        try {
            destroyImpl(error);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "releasing " + describe() + " failed", t);
        }
        readQueue = null;
        readQueuedBytes = 0;
        loop.execute(() -> {
            if (error != null) emit(ERROR, error);
            closed = true;
            emit(CLOSE, error != null);
            afterClose();
        });
    }

    /** Called on the loop after {@code 'close'} was emitted: a socket lets the JVM go here. */
    protected void afterClose() {
    }

    /**
     * {@link AutoCloseable}: {@link #destroy()} (Node's streams have no {@code close()}; use
     * {@link #end()} first for a graceful close). Safe from any thread and idempotent.
     */
    @Override
    public void close() {
        destroy();
    }

    private void emitDrain() {
        drainScheduled = false;
        if (needDrain && writableLength == 0 && !destroyed) {
            needDrain = false;
            emit(DRAIN);
        }
    }

    private void scheduleFlow() {
        boolean queued = readQueue != null && !readQueue.isEmpty();
        if ((queued || readEof) && !endEmitted) loop.execute(this::flow);
    }

    /**
     * Delivers queued chunks while flowing, then {@code 'end'} once input has ended and all is
     * delivered. As in Node, {@code 'end'} waits for a consumer only while chunks are queued: input
     * that ends with nothing queued ends the stream even if nobody reads (paused or never flowing).
     */
    private void flow() {
        while (!destroyed && consuming() && readQueue != null && !readQueue.isEmpty()) {
            ByteBuffer chunk = readQueue.peek();
            int size = chunk.remaining();
            if (rawReader == null && onRead != null) {
                boolean all = deliverOnRead(chunk); // a stop inside the chunk leaves its rest at the head
                readQueuedBytes -= size - chunk.remaining();
                if (all) readQueue.poll();
                continue;
            }
            readQueue.poll();
            readQueuedBytes -= size;
            if (rawReader != null) rawReader.onBytes(chunk);
            else emitChunk(chunk, false);
        }
        boolean drained = readQueue == null || readQueue.isEmpty();
        if (readEof && drained && !endEmitted && !destroyed) emitEnd();
    }

    /** Someone takes the bytes: flowing, or a raw reader that has not paused. */
    private boolean consuming() {
        if (rawReader != null) return flowing != Boolean.FALSE;
        if (onRead != null) return flowing != Boolean.FALSE && !onReadStopped; // reads from the start, as Node's
        return flowing == Boolean.TRUE;
    }

    /** Hands {@code chunk} to the onread callback, as far as it takes it; true when all of it went. */
    private boolean deliverOnRead(ByteBuffer chunk) {
        if (onRead.filledInPlace(chunk)) {
            if (!onRead.deliverInPlace(chunk)) onReadStopped = true;
            return true;
        }
        while (chunk.hasRemaining() && consuming() && !destroyed) {
            try {
                if (!onRead.copyAndDeliver(chunk)) onReadStopped = true;
            } catch (RuntimeException e) { // the program's buffer supplier failed: as Node, the stream fails
                destroyNow(e);
            }
        }
        return !chunk.hasRemaining();
    }

    private void emitEnd() {
        if (decoder != null) {
            String rest = decode(ByteBuffer.allocate(0), true);
            if (!rest.isEmpty()) emit(TEXT, rest);
        }
        endEmitted = true;
        // Node's net.Socket ends its own side before the user's 'end' listeners run. Not under a
        // raw reader: the layer on top (TLS) ends this stream itself once its own queued output
        // is out, as Node's TLSSocket takes over its socket's handle (the socket's JS 'end'
        // logic never runs). Ending here would cut off what the layer still has to write.
        if (!allowHalfOpen && !ending && rawReader == null) endNow(null);
        emit(END);
        if (!destroyed && finishEmitted) destroy(null); // both sides done: Node's autoDestroy
    }

    private void emitChunk(ByteBuffer chunk, boolean borrowed) {
        if (decoder != null) {
            String text = decode(chunk, false);
            if (!text.isEmpty()) emit(TEXT, text);
        } else {
            int listeners = listenerCount(DATA);
            if (listeners == 0) return; // flowing after resume() with nobody listening: the bytes go nowhere, uncopied
            ByteBuffer data = borrowed ? copy(chunk) : chunk; // the listener owns its chunk, as Node's owns its Buffer
            if (listeners == 1) {
                emit(DATA, data);
                return;
            }
            // Each listener gets its own view of the bytes: reading a ByteBuffer moves its
            // position, and one listener must not consume what the next one sees (Node's
            // listeners share one immutable Buffer).
            emitWith(DATA, listener -> listener.accept(data.duplicate()));
        }
    }

    private String decode(ByteBuffer chunk, boolean endOfInput) {
        ByteBuffer in = chunk;
        if (decoderCarry != null) {
            in = ByteBuffer.allocate(decoderCarry.remaining() + chunk.remaining()).put(decoderCarry).put(chunk).flip();
            decoderCarry = null;
        }
        CharBuffer out = CharBuffer.allocate((int) (in.remaining() * (double) decoder.maxCharsPerByte()) + 4);
        decoder.decode(in, out, endOfInput);
        if (endOfInput) {
            decoder.flush(out);
            decoder.reset();
        } else if (in.hasRemaining()) {
            decoderCarry = copy(in);
        }
        return out.flip().toString();
    }

    /**
     * A heap copy of {@code buffer}'s remaining bytes, positioned at 0; {@code buffer} is consumed.
     *
     * @param buffer the bytes
     * @return a heap copy of {@code buffer}'s remaining bytes, positioned at 0; {@code buffer} is consumed
     */
    protected static ByteBuffer copy(ByteBuffer buffer) {
        ByteBuffer copy = ByteBuffer.allocate(buffer.remaining());
        copy.put(buffer).flip();
        return copy;
    }

    // Node's emitter methods, returning this Duplex so that calls chain on the receiver's own type.

    @Override
    public <L> Duplex on(EventKey<L> key, L listener) {
        super.on(key, listener);
        return this;
    }

    @Override
    public <L> Duplex once(EventKey<L> key, L listener) {
        super.once(key, listener);
        return this;
    }

    @Override
    public <L> Duplex off(EventKey<L> key, L listener) {
        super.off(key, listener);
        return this;
    }
}
