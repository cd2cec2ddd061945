/**
 * The transport under jtls: an event loop on the JDK's non-blocking channels, and the parts of
 * Node's {@code net} module and stream model that TLS users touch.
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link io.jtls.net.EventLoop}: one thread, one {@code Selector}, a task queue, timers and
 *       one shared direct read buffer. {@link io.jtls.net.EventLoopGroup}: a fixed set of loops,
 *       {@link io.jtls.net.EventLoopGroup#defaultGroup() by default} one per core on daemon
 *       threads.</li>
 *   <li>{@link io.jtls.net.EventEmitter} with typed keys: {@link io.jtls.net.Event Event&lt;T&gt;}
 *       (listener {@code Consumer<T>}), {@link io.jtls.net.Signal} (listener {@code Runnable}),
 *       or any {@link io.jtls.net.EventKey EventKey&lt;L&gt;} for other listener shapes.</li>
 *   <li>{@link io.jtls.net.Duplex}: Node's stream contract for bytes.
 *       {@link io.jtls.net.Socket} (TCP and Unix-domain) and {@link io.jtls.net.Server};
 *       {@link io.jtls.net.Net} is the {@code net} module's facade.</li>
 * </ul>
 *
 * <h2>Threading model</h2>
 * Every stream and server belongs to one loop, fixed at construction. Its state is touched only
 * by that loop's thread, so nothing on the data path takes a lock. Every public method may be
 * called from any thread: off the loop it is handed over with {@code EventLoop.execute} and
 * returns at once (a {@code write} from another thread still answers true/false from the
 * stream's queued byte count plus the bytes in flight to the loop). Listener registration is
 * thread-safe (copy-on-write). Every event of a stream is emitted on its loop thread, in Node's
 * order: {@code 'connect'}, {@code 'ready'}, {@code 'data'}..., {@code 'end'},
 * {@code 'finish'}, then {@code 'close'} exactly once and last; {@code 'error'} immediately
 * before {@code 'close'}. Server {@code 'connection'} events are emitted on the accepted
 * socket's loop before the socket reads. An {@code 'error'} without listener is logged via
 * {@code System.Logger} ("io.jtls.net") and the stream is destroyed; a listener that throws
 * is logged and the loop continues.
 *
 * <h2>The Duplex contract (what a layer such as TLS builds on)</h2>
 * <ul>
 *   <li><b>Incoming bytes without a copy</b>: {@link io.jtls.net.Duplex#setRawReader} installs a
 *       {@link io.jtls.net.RawReader} that receives each chunk as a borrowed {@code ByteBuffer}
 *       (for a socket: a view of the loop's shared direct buffer, valid during the call only)
 *       instead of {@code 'data'}. {@code pause()}/{@code resume()} stop and restart reading from
 *       the kernel. End of input is {@code 'end'}; failures are {@code 'error'} then
 *       {@code 'close'}. The layer also owns the end of the writable side: under a raw reader,
 *       {@code 'end'} does not end the stream even without {@code allowHalfOpen} (the layer ends
 *       it after its own last bytes, as Node's TLSSocket takes over its socket's handle).</li>
 *   <li><b>Outgoing bytes with backpressure</b>: {@code write(ByteBuffer[, callback])} passes
 *       ownership of the buffer (no copy) and returns false once 16 KiB (Node's highWaterMark)
 *       are queued; {@code 'drain'} follows when the queue is empty. {@code writeBorrowed} is for
 *       a buffer the caller reuses: the socket writes what the kernel takes at once and copies
 *       only the rest. {@code end()} half-closes after the queue; {@code destroy(err)} aborts.</li>
 *   <li><b>Running on the loop</b>: {@code duplex.loop()} gives the loop;
 *       {@code loop.inEventLoop()}, {@code loop.execute(task)} and
 *       {@code loop.schedule(delay, task)} (a cancellable {@link io.jtls.net.Timer});
 *       {@code loop.nanoTime()} is the loop's "now", from its {@link io.jtls.net.LoopClock}
 *       ({@code System.nanoTime()} unless a test gave the loop a clock it moves by hand).</li>
 *   <li><b>Implementing a Duplex</b> (e.g. a TLS socket): extend {@link io.jtls.net.Duplex}, take
 *       chunks in {@code writeChunk}, report {@code flushed(bytes)}, half-close in
 *       {@code writeEnd()} then call {@code finished()}; deliver input with {@code push(buffer)}
 *       and {@code pushEnd()}; follow {@code readStart()}/{@code readStop()}; release resources
 *       in {@code destroyImpl}. The base class keeps Node's state machine: flowing mode,
 *       encodings, {@code 'drain'}, {@code allowHalfOpen}, auto-destroy, error/close order.</li>
 * </ul>
 *
 * <h2>Memory</h2>
 * Reads land in the loop's shared 64 KiB direct buffer and are copied only into the
 * {@code 'data'} payload, and only when a {@code 'data'} listener exists (never for a raw
 * reader); with Node's {@code onread} ({@link io.jtls.net.OnRead}) they land in the program's
 * own buffer, read into directly when it is a direct one. A socket keeps no read buffer and
 * allocates its write queue only when the kernel pushes back. An idle connection costs its channel, its
 * selection key, its listeners and a few dozen bytes of fields.
 */
package io.jtls.net;
