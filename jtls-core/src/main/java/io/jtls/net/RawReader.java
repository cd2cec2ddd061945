package io.jtls.net;

import java.nio.ByteBuffer;

/**
 * Receives a stream's incoming bytes without a copy: the hook a protocol layer (TLS) installs with
 * {@link Duplex#setRawReader(RawReader)} instead of listening to {@code 'data'}.
 *
 * <p>The buffer is <em>borrowed</em>: for a {@link Socket} it is the event loop's shared read
 * buffer, positioned over the bytes just read. Consume or copy them before returning and do not
 * keep the reference; the next read on the loop overwrites it. Called on the stream's loop thread.
 */
@FunctionalInterface
public interface RawReader {
    /**
     * Called on bytes.
     *
     * @param data the bytes
     */
    void onBytes(ByteBuffer data);
}
