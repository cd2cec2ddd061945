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
                Client c = connect(clientTo(port).maxVersion(version).build());
                Sink clientSink = new Sink(c.socket());
                await(c.secure());
                writeAll(c.socket(), upload, 65_536, null);
                Sink atServer = await(serverSink);
                assertEquals(sha256(upload), await(atServer.done, Duration.ofSeconds(60)), version + " upload");
                assertEquals(sha256(download), await(clientSink.done, Duration.ofSeconds(60)), version + " download");
                long[] s = atServer.copies;
                long[] k = clientSink.copies;
                System.out.printf("%s, 8 MiB each way: bytes copied into the engine (in, out): server %d, %d; client %d, %d%n",
                        version, s[0], s[1], k[0], k[1]);
                // The handshake's flights and tickets are stored (a few KiB); the 8 MiB each way are not.
                long bound = 64 * 1024;
                assertTrue(s[0] < bound && s[1] < bound && k[0] < bound && k[1] < bound,
                        version + ": copies " + s[0] + "/" + s[1] + " server, " + k[0] + "/" + k[1] + " client");
                await(c.events().closed);
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
