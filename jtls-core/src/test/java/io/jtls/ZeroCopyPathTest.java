package io.jtls;

import static io.jtls.TlsTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.internal.engine.TlsEngine;
import io.jtls.net.Duplex;
import io.jtls.support.NativeLeakCheck;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The socket path between the kernel and OpenSSL copies nothing into the engine: the loop's
 * read buffer is lent to OpenSSL for the cycle and records are written straight into the loop's
 * ciphertext buffer; the engine keeps (copies) only what a call leaves over. The copies are
 * counted by the engine itself ({@link TlsEngine#storedByteCounts()}), read through the socket's
 * driver (a test-only reflective look).
 */
class ZeroCopyPathTest {
    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    /** Everything a stream delivers, hashed at 'end', with the engine's copy counts at that moment. */
    private static final class Sink {
        final MessageDigest digest;
        final AtomicLong bytes = new AtomicLong();
        final CompletableFuture<String> done = new CompletableFuture<>();
        volatile long[] copies;

        Sink(TlsSocket stream) throws Exception {
            digest = MessageDigest.getInstance("SHA-256");
            stream.on(Duplex.DATA, buf -> {
                bytes.addAndGet(buf.remaining());
                digest.update(buf);
            });
            stream.on(Duplex.END, () -> {
                copies = copies(stream); // on the loop thread, the engine still live
                done.complete(HexFormat.of().formatHex(digest.digest()));
            });
        }
    }

    @Test
    void bulkBothWaysArrivesWholeAndOnlyTheHandshakeIsCopiedIntoTheEngines() throws Exception {
        for (String version : new String[] {"TLSv1.3", "TLSv1.2"}) {
            byte[] upload = random(8 << 20, 11);
            byte[] download = random(8 << 20, 12);
            CompletableFuture<Sink> serverSink = new CompletableFuture<>();
            TlsServer server = Tls.createServer(serverWith(SERVER_EC).allowHalfOpen(true).build(), socket -> {
                try {
                    serverSink.complete(new Sink(socket));
                } catch (Exception e) {
                    serverSink.completeExceptionally(e);
                }
                writeAll(socket, download, 100_000, null);
            });
            int port = listen(server);
            try (Closing closing = closing(server)) {
                // The client's sink listens from the start (in setup, before the socket connects):
                // the server streams at once, and a listener added after connect() returns can
                // find its first chunks already emitted to the others. Half-open as the server:
                // when the download ends first, the client keeps uploading (without it, Node's
                // rule ends the client at the server's end and the rest of the upload is a
                // write after end).
                Sink[] sinks = new Sink[1];
                CompletableFuture<Void> secure = new CompletableFuture<>();
                CompletableFuture<Void> closed = new CompletableFuture<>();
                TlsSocket client = Tls.connect(clientTo(port).maxVersion(version).allowHalfOpen(true).build(), s -> {
                    try {
                        sinks[0] = new Sink(s);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    s.on(Duplex.CLOSE, hadError -> closed.complete(null));
                }, () -> secure.complete(null));
                Sink clientSink = sinks[0];
                await(secure);
                writeAll(client, upload, 65_536, null);
                Sink atServer = await(serverSink);
                assertEquals(sha256(upload), await(atServer.done, Duration.ofSeconds(60)),
                        version + " upload, bytes " + atServer.bytes.get());
                assertEquals(sha256(download), await(clientSink.done, Duration.ofSeconds(60)),
                        version + " download, bytes " + clientSink.bytes.get());
                long[] s = atServer.copies;
                long[] k = clientSink.copies;
                System.out.printf("%s, 8 MiB each way: bytes copied into the engine (in, out): server %d, %d; client %d, %d%n",
                        version, s[0], s[1], k[0], k[1]);
                // The handshake's flights and tickets are stored (a few KiB); the 8 MiB each way are not.
                long bound = 64 * 1024;
                assertTrue(s[0] < bound && s[1] < bound && k[0] < bound && k[1] < bound,
                        version + ": copies " + s[0] + "/" + s[1] + " server, " + k[0] + "/" + k[1] + " client");
                await(closed);
            }
        }
    }

    /**
     * The client's reader pauses at its first chunk while the server streams 4 MiB: what was read
     * before the pause took effect waits (a partial record in OpenSSL's buffer, plaintext in the
     * stream's queue, or unread ciphertext the engine kept when the loop took its buffer back),
     * and when the reader resumes (once the server's writes backed up, or all went out) every byte
     * arrives in order. (The engine-level leftovers are in EngineBioTest: a read of the loop's
     * size decrypts into less than the plaintext buffer, so a socket rarely leaves ciphertext.)
     */
    @Test
    void aReaderPausedMidStreamGetsEveryByteAfterResuming() throws Exception {
        byte[] download = random(4 << 20, 13);
        CompletableFuture<Void> serverBlockedOrDone = new CompletableFuture<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(),
                socket -> writeAll(socket, download, 200_000, serverBlockedOrDone));
        int port = listen(server);
        try (Closing closing = closing(server)) {
            Client c = connect(clientTo(port).build());
            TlsSocket socket = c.socket();
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            CompletableFuture<String> done = new CompletableFuture<>();
            AtomicBoolean pausedOnce = new AtomicBoolean();
            long[][] copiesAtEnd = new long[1][];
            socket.on(Duplex.DATA, buf -> {
                digest.update(buf);
                if (pausedOnce.compareAndSet(false, true)) {
                    socket.pause();
                    serverBlockedOrDone.thenRun(() -> socket.loop().execute(socket::resume));
                }
            });
            socket.on(Duplex.END, () -> {
                copiesAtEnd[0] = copies(socket);
                done.complete(HexFormat.of().formatHex(digest.digest()));
            });
            assertEquals(sha256(download), await(done, Duration.ofSeconds(60)));
            assertTrue(pausedOnce.get());
            System.out.printf("paused reader, 4 MiB: bytes copied into the client engine (in, out): %d, %d%n",
                    copiesAtEnd[0][0], copiesAtEnd[0][1]);
            await(c.events().closed);
        }
    }

    /**
     * Connections on two loops, each destroyed or aborted by one side from inside its own
     * {@code 'data'} listener (the engine closed while the transport's bytes are lent to it and
     * records are being written into the loop's buffer), at random points of a transfer both ways:
     * nothing crashes, every connection closes, and every native object is freed (the leak check).
     */
    @Test
    void connectionsDestroyedWhileTheirBytesAreLentCloseCleanly() throws Exception {
        int connections = 200;
        java.util.concurrent.CountDownLatch clientsClosed = new java.util.concurrent.CountDownLatch(connections);
        java.util.concurrent.CountDownLatch serversClosed = new java.util.concurrent.CountDownLatch(connections);
        byte[] chunk = random(100_000, 14);
        io.jtls.net.EventLoopGroup loops = new io.jtls.net.EventLoopGroup("zero-copy-stress", 2);
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).group(loops).build(), socket -> {
            socket.on(io.jtls.net.EventEmitter.ERROR, e -> { });
            socket.on(Duplex.CLOSE, hadError -> serversClosed.countDown());
            int dieAt = java.util.concurrent.ThreadLocalRandom.current().nextInt(1, 12);
            int[] chunks = {0};
            socket.on(Duplex.DATA, buf -> {
                if (++chunks[0] == dieAt) {
                    if (dieAt % 2 == 0) {
                        socket.destroy();
                    } else {
                        socket.destroy(new io.jtls.error.TlsException("E_ABORT", "aborted mid-transfer"));
                    }
                } else {
                    socket.write(ByteBuffer.wrap(chunk)); // records into the lent buffer while reading
                }
            });
        });
        server.on(TlsServer.TLS_CLIENT_ERROR, (e, s) -> { });
        int port = listen(server);
        try (Closing closing = closing(server)) {
            for (int i = 0; i < connections; i++) {
                int dieAt = 1 + i % 9;
                // Every listener in setup: the loop may finish a handshake before connect()
                // returns on this thread, and a 'secureConnect' listener added after it would
                // never hear it (the client then waits forever; seen under CPU load).
                Tls.connect(clientTo(port).loop(loops.next()).build(), s -> {
                    s.on(io.jtls.net.EventEmitter.ERROR, e -> { });
                    s.on(Duplex.CLOSE, hadError -> clientsClosed.countDown());
                    int[] chunks = {0};
                    s.on(Duplex.DATA, buf -> {
                        if (++chunks[0] == dieAt * 3) {
                            s.destroy();
                        }
                    });
                    s.once(TlsSocket.SECURE_CONNECT, () -> {
                        for (int k = 0; k < 16; k++) {
                            s.write(ByteBuffer.wrap(chunk));
                        }
                        s.end();
                    });
                }, null);
            }
            assertTrue(clientsClosed.await(60, java.util.concurrent.TimeUnit.SECONDS), "clients still open: " + clientsClosed.getCount());
            assertTrue(serversClosed.await(60, java.util.concurrent.TimeUnit.SECONDS), "servers still open: " + serversClosed.getCount());
        } finally {
            loops.shutdown();
        }
    }

    /** Writes {@code data} in pieces, respecting backpressure, then ends; completes {@code blocked} at the first backup or the end. */
    private static void writeAll(Duplex stream, byte[] data, int chunk, CompletableFuture<Void> blocked) {
        int[] offset = {0};
        Runnable[] pump = new Runnable[1];
        pump[0] = () -> {
            while (offset[0] < data.length) {
                int n = Math.min(chunk, data.length - offset[0]);
                boolean more = stream.write(ByteBuffer.wrap(data, offset[0], n));
                offset[0] += n;
                if (!more) {
                    if (blocked != null) {
                        blocked.complete(null);
                    }
                    stream.once(Duplex.DRAIN, pump[0]);
                    return;
                }
            }
            stream.end();
            if (blocked != null) {
                blocked.complete(null);
            }
        };
        stream.loop().execute(pump[0]);
    }

    /** The socket's engine's copy counts (on its loop thread). */
    private static long[] copies(TlsSocket socket) {
        try {
            Field driver = TlsSocket.class.getDeclaredField("driver");
            driver.setAccessible(true);
            Object d = driver.get(socket);
            Method engine = d.getClass().getDeclaredMethod("engine");
            engine.setAccessible(true);
            return ((TlsEngine) engine.invoke(d)).storedByteCounts();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
