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
            this(transport, false);
        }

        XorStream(Duplex transport, boolean allowHalfOpen) {
            super(transport.loop(), allowHalfOpen);
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

    /**
     * A half-open layer answers after the peer's end, over a socket that is not half-open itself
     * (a server's default). The socket's 'end' must not end its writable side under the layer:
     * the layer owns that (as Node's TLSSocket owns its socket's handle), else the answer is cut.
     */
    @Test
    void aLayerAnswersAfterThePeerEndedEvenOverANonHalfOpenSocket() {
        byte[] answer = new byte[256 * 1024];
        new Random(5).nextBytes(answer);
        Server server = Net.createServer(socket -> {
            assertFalse(socket.allowHalfOpen());
            XorStream secure = new XorStream(socket, true);
            secure.resume();
            // Answers only once the request has ended, on a later turn than the socket's 'end'.
            secure.on(Duplex.END, () -> secure.loop().execute(() -> secure.end(ByteBuffer.wrap(answer))));
        });
        int port = listen(server);
        CompletableFuture<Void> connected = new CompletableFuture<>();
        Socket socket = Net.connect(port, "127.0.0.1", () -> connected.complete(null));
        await(connected);
        XorStream client = new XorStream(socket);
        NetTesting.Recorder events = new NetTesting.Recorder(client);
        ByteBuffer received = ByteBuffer.allocate(answer.length + 1);
        client.on(Duplex.DATA, buf -> received.put(buf));
        client.end("request");
        assertFalse(await(events.closed), "events: " + events.events);
        assertArrayEquals(answer, java.util.Arrays.copyOf(received.array(), received.position()));
        assertEquals(List.of("finish", "end", "close:false"), events.events);
        server.close();
    }
}
