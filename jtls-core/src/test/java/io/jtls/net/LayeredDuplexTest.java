package io.jtls.net;

import static io.jtls.net.NetTesting.await;
import static io.jtls.net.NetTesting.listen;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A protocol layered on a socket the way TLS will be: a Duplex that takes the socket's bytes
 * through a raw reader, transforms them, and writes its output back with backpressure.
 */
class LayeredDuplexTest {

    /** XORs every byte with a key: a stand-in for encryption, so wire bytes differ from plaintext. */
    static final class XorStream extends Duplex {
        private static final byte KEY = 0x5A;
        private final Duplex transport;

        XorStream(Duplex transport) {
            super(transport.loop(), false);
            this.transport = transport;
            transport.setRawReader(ciphertext -> push(xor(ciphertext)));
            transport.on(END, this::pushEnd);
            transport.on(ERROR, this::destroy);
            transport.on(CLOSE, hadError -> destroy());
        }

        @Override
        protected void writeChunk(ByteBuffer chunk, Consumer<Throwable> callback) {
            int size = chunk.remaining();
            transport.write(xor(chunk), error -> {
                flushed(size); // our bytes count as written once the transport flushed them
                if (callback != null) callback.accept(error);
            });
        }

        @Override
        protected void writeEnd() {
            transport.end(this::finished);
        }

        @Override
        protected void readStart() {
            transport.resume();
        }

        @Override
        protected void readStop() {
            transport.pause();
        }

        @Override
        protected void destroyImpl(Throwable error) {
            transport.destroy();
        }

        private static ByteBuffer xor(ByteBuffer in) {
            ByteBuffer out = ByteBuffer.allocate(in.remaining());
            while (in.hasRemaining()) out.put((byte) (in.get() ^ KEY));
            return out.flip();
        }
    }

    @Test
    void aLayeredStreamEchoesMegabytesWithBackpressureAndNodeEventOrder() {
        Server server = Net.createServer(socket -> {
            XorStream secure = new XorStream(socket);
            secure.pipe(secure);
        });
        int port = listen(server);
        byte[] payload = new byte[1 << 20];
        new Random(3).nextBytes(payload);

        CompletableFuture<Void> connected = new CompletableFuture<>();
        Socket socket = Net.connect(port, "127.0.0.1", () -> connected.complete(null));
        await(connected);
        XorStream client = new XorStream(socket);
        NetTesting.Recorder events = new NetTesting.Recorder(client);
        ByteBuffer received = ByteBuffer.allocate(payload.length);
        client.on(Duplex.DATA, buf -> received.put(buf));
        CompletableFuture<Boolean> sawBackpressure = new CompletableFuture<>();
        client.loop().execute(() -> {
            boolean full = false;
            for (int off = 0; off < payload.length; off += 8192) {
                full |= !client.write(ByteBuffer.wrap(payload, off, 8192));
            }
            sawBackpressure.complete(full);
            client.end();
        });
        assertTrue(await(sawBackpressure), "1 MiB through the layer never filled it");
        assertFalse(await(events.closed));
        assertArrayEquals(payload, received.array());
        assertEquals(List.of("finish", "end", "close:false"), events.events);
        assertEquals(payload.length, socket.bytesWritten());
        assertTrue(socket.destroyed());
        server.close();
    }
}
