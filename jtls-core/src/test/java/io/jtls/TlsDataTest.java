package io.jtls;

import static io.jtls.TlsTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.error.TlsException;
import io.jtls.net.Duplex;
import io.jtls.net.EventLoopGroup;
import io.jtls.net.Socket;
import io.jtls.support.NativeLeakCheck;
import io.jtls.support.Waiting;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The data path: bulk transfer, coalescing, backpressure, half-close, record size, TLS inside TLS. */
class TlsDataTest {
    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    /** Collects everything a stream delivers and hashes it at 'end'. */
    private static final class Sink {
        final MessageDigest digest;
        final AtomicLong bytes = new AtomicLong();
        final CompletableFuture<String> done = new CompletableFuture<>();

        Sink(Duplex stream) throws Exception {
            digest = MessageDigest.getInstance("SHA-256");
            stream.on(Duplex.DATA, buf -> {
                bytes.addAndGet(buf.remaining());
                digest.update(buf);
            });
            stream.on(Duplex.END, () -> done.complete(HexFormat.of().formatHex(digest.digest())));
        }
    }

    /** Writes {@code data} in {@code chunk}-sized pieces, respecting backpressure, then ends. Runs on the loop. */
    private static CompletableFuture<Boolean> writeAll(Duplex stream, byte[] data, int chunk) {
        CompletableFuture<Boolean> sawFull = new CompletableFuture<>();
        AtomicBoolean full = new AtomicBoolean();
        int[] offset = {0};
        Runnable[] pump = new Runnable[1];
        pump[0] = () -> {
            while (offset[0] < data.length) {
                int n = Math.min(chunk, data.length - offset[0]);
                boolean more = stream.write(ByteBuffer.wrap(data, offset[0], n));
                offset[0] += n;
                if (!more) {
                    full.set(true);
                    stream.once(Duplex.DRAIN, pump[0]);
                    return;
                }
            }
            stream.end();
            sawFull.complete(full.get());
        };
        stream.loop().execute(pump[0]);
        return sawFull;
    }

    @Test
    void largeTransferBothWaysKeepsEveryByte() throws Exception {
        byte[] upload = new byte[16 << 20];
        new Random(1).nextBytes(upload);
        byte[] download = new byte[12 << 20];
        new Random(2).nextBytes(download);
        CompletableFuture<String> serverGot = new CompletableFuture<>();
        // Half-open server: the client's end (after its upload) must not cut the download short.
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).allowHalfOpen(true).build(), socket -> {
            try {
                Sink sink = new Sink(socket);
                sink.done.thenAccept(serverGot::complete);
            } catch (Exception e) {
                serverGot.completeExceptionally(e);
            }
            writeAll(socket, download, 100_000);
        });
        int port = listen(server);
        try (Closing closing = closing(server)) {
            Client c = connect(clientTo(port).build());
            Sink clientSink = new Sink(c.socket());
            await(c.secure());
            assertTrue(await(writeAll(c.socket(), upload, 65_536)), "16 MiB filled the write buffer at least once");
            String got = await(serverGot, java.time.Duration.ofSeconds(60));
            assertEquals(sha256(upload), got);
            assertEquals(sha256(download), await(clientSink.done, java.time.Duration.ofSeconds(60)));
            assertEquals(download.length, clientSink.bytes.get());
            await(c.events().closed);
        }
    }

    @Test
    void smallWritesInOneTurnShareRecords() {
        CompletableFuture<Integer> received = new CompletableFuture<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), socket -> {
            AtomicLong n = new AtomicLong();
            socket.on(Duplex.DATA, buf -> n.addAndGet(buf.remaining()));
            socket.on(Duplex.END, () -> received.complete((int) n.get()));
        });
        int port = listen(server);
        try (Closing closing = closing(server)) {
            Client c = connect(clientTo(port).build());
            await(c.secure());
            Socket tcp = (Socket) c.socket().transport();
            CompletableFuture<Long> before = new CompletableFuture<>();
            c.socket().loop().execute(() -> {
                before.complete(tcp.bytesWritten());
                for (int i = 0; i < 1000; i++) {
                    c.socket().write(ByteBuffer.wrap(new byte[10]));
                }
                c.socket().end();
            });
            long start = await(before);
            assertEquals(10_000, await(received));
            await(c.events().closed);
            long wire = tcp.bytesWritten() - start;
            // One record per write would cost 1000 * 22 bytes of framing; coalesced, one record
            // (plus close_notify) carries the 10,000 bytes.
            assertTrue(wire < 10_000 + 200, "ciphertext for 1000 x 10 bytes: " + wire);
        }
    }

    @Test
    void backpressureStopsEncryptionUntilTheTransportDrains() {
        AtomicReference<TlsSocket> serverSide = new AtomicReference<>();
        AtomicLong serverBytes = new AtomicLong();
        CompletableFuture<Void> serverEnded = new CompletableFuture<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), socket -> {
            socket.pause();
            socket.on(Duplex.DATA, buf -> serverBytes.addAndGet(buf.remaining()));
            socket.on(Duplex.END, () -> serverEnded.complete(null));
            serverSide.set(socket);
        });
        int port = listen(server);
        try (Closing closing = closing(server)) {
            Client c = connect(clientTo(port).build());
            await(c.secure());
            TlsSocket client = c.socket();
            int total = 16 << 20; // loopback kernel buffers alone may absorb several MiB
            CompletableFuture<Boolean> firstWrite = new CompletableFuture<>();
            client.loop().execute(() -> {
                boolean first = client.write(ByteBuffer.allocate(4096));
                firstWrite.complete(first);
                for (int sent = 4096; sent + 65_536 <= total; sent += 65_536) {
                    client.write(ByteBuffer.allocate(65_536)); // ignoring false on purpose
                }
            });
            assertTrue(await(firstWrite), "below the high-water mark: true");
            eventually("the server side is paused", () -> serverSide.get() != null);
            // The peer does not read: the kernel buffers fill, the transport pushes back, and
            // the plaintext stays unencrypted in the TLS socket instead of piling up as ciphertext.
            eventually("transport full", () -> client.transport().writableLength() > 0);
            // Not a sleep: a few turns of the client's loop, after which writes it could still
            // pass on to the kernel have been flushed.
            Waiting.loopTurns(client.loop(), 3, Duration.ofSeconds(15));
            assertTrue(client.writableNeedDrain() || client.writableLength() > 0);
            assertTrue(client.writableLength() > total / 4, "plaintext held back: " + client.writableLength());
            assertTrue(client.transport().writableLength() < 1 << 20,
                    "ciphertext queued in the transport stays small: " + client.transport().writableLength());

            CompletableFuture<Void> drained = new CompletableFuture<>();
            client.once(Duplex.DRAIN, () -> drained.complete(null));
            serverSide.get().resume();
            await(drained);
            client.end();
            await(serverEnded);
            assertEquals(4096 + (total - 4096) / 65_536 * 65_536, serverBytes.get());
            await(c.events().closed);
        }
    }

    @Test
    void halfOpenConnectionsKeepTheirOtherDirection() {
        List<String> serverEvents = new CopyOnWriteArrayList<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).allowHalfOpen(true).build(), socket -> {
            assertTrue(socket.allowHalfOpen());
            StringBuilder got = new StringBuilder();
            socket.on(Duplex.DATA, buf -> got.append(utf8(buf)));
            socket.on(Duplex.END, () -> {
                serverEvents.add("end:" + got);
                socket.write("reply after your end");
                socket.end();
            });
        });
        int port = listen(server);
        try (Closing closing = closing(server)) {
            Client c = connect(clientTo(port).allowHalfOpen(true).build());
            await(c.secure());
            c.socket().end("request");
            await(c.events().closed);
            assertEquals("reply after your end", c.events().data());
            assertEquals(List.of("end:request"), serverEvents);
            assertTrue(c.events().events.indexOf("finish") < c.events().events.indexOf("end"), c.events().events.toString());
        }
    }

    @Test
    void withoutHalfOpenTheEndOfOneSideEndsTheOther() {
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), socket -> socket.resume());
        int port = listen(server);
        try (Closing closing = closing(server)) {
            Client c = connect(clientTo(port).build());
            await(c.secure());
            c.socket().end();
            assertFalse(await(c.events().closed));
            assertTrue(c.events().events.contains("end"), "the server ended in turn: " + c.events().events);
        }
    }

    @Test
    void setMaxSendFragmentLimitsRecordSize() {
        CompletableFuture<Integer> received = new CompletableFuture<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), socket -> {
            AtomicLong n = new AtomicLong();
            socket.on(Duplex.DATA, buf -> n.addAndGet(buf.remaining()));
            socket.on(Duplex.END, () -> received.complete((int) n.get()));
        });
        int port = listen(server);
        try (Closing closing = closing(server)) {
            Client c = connect(clientTo(port).build());
            await(c.secure());
            TlsSocket client = c.socket();
            assertFalse(client.setMaxSendFragment(511));
            assertFalse(client.setMaxSendFragment(16385));
            assertTrue(client.setMaxSendFragment(16384));
            assertTrue(client.setMaxSendFragment(512));
            Socket tcp = (Socket) client.transport();
            CompletableFuture<Long> before = new CompletableFuture<>();
            client.loop().execute(() -> {
                before.complete(tcp.bytesWritten());
                client.end(ByteBuffer.allocateDirect(10_240));
            });
            long start = await(before);
            assertEquals(10_240, await(received));
            await(c.events().closed);
            long overhead = tcp.bytesWritten() - start - 10_240;
            assertTrue(overhead >= 20 * 17, "20 records of 512 bytes, each framed: overhead " + overhead);
            assertFalse(client.setMaxSendFragment(1024), "false once destroyed");
        }
    }

    @Test
    void tlsInsideTls() throws Exception {
        // The outer server hands each secure connection to an inner TLS server socket that echoes.
        TlsServer outer = Tls.createServer(serverWith(SERVER_RSA).build(), outerSocket -> {
            TlsSocket inner = new TlsSocket(outerSocket, TlsSocketOptions.builder().isServer(true)
                    .cert(SERVER_EC.chainPem()).key(SERVER_EC.privateKeyPem()).build());
            inner.pipe(inner);
        });
        int port = listen(outer);
        try {
            Client outerClient = connect(clientTo(port).build());
            await(outerClient.secure());
            assertEquals(2048, outerClient.socket().getPeerCertificate().bits());

            Client inner = connect(TlsConnectOptions.builder().socket(outerClient.socket()).host("localhost")
                    .ca(ROOT.certificatePem()).build());
            Sink sink = new Sink(inner.socket());
            await(inner.secure());
            assertTrue(inner.socket().authorized());
            assertEquals("prime256v1", inner.socket().getPeerCertificate().asn1Curve(), "the inner server's certificate");
            assertEquals("127.0.0.1", inner.socket().remoteAddress(), "addresses come from the TCP socket at the bottom");
            byte[] payload = new byte[3 << 20];
            new Random(3).nextBytes(payload);
            writeAll(inner.socket(), payload, 50_000);
            assertEquals(sha256(payload), await(sink.done, java.time.Duration.ofSeconds(60)));
            await(inner.events().closed);
            await(outerClient.events().closed);
        } finally {
            close(outer);
        }
    }

    /**
     * Request, end, answer: the server answers 16 MiB in its 'data' listener while the client,
     * which sent close_notify and FIN right after the request, is not reading yet. The answer is
     * still stuck behind the full transport when the server sees the end of the input; the
     * stream underneath must not end its writable side then (only the TLS socket on top
     * decides, after its queued output and close_notify), or the answer's tail is lost.
     */
    @Test
    void anAnswerQueuedWhenThePeerEndsArrivesWhole() throws Exception {
        byte[] answer = answer();
        CompletableFuture<Void> serverSawEnd = new CompletableFuture<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(),
                socket -> answerOnce(socket, answer, serverSawEnd));
        int port = listen(server);
        try (Closing closing = closing(server)) {
            CompletableFuture<Void> secure = new CompletableFuture<>();
            TlsSocket client = Tls.connect(clientTo(port).build(), () -> secure.complete(null));
            assertReceivedWhole(client, secure, answer, serverSawEnd);
        }
    }

    /** {@link #anAnswerQueuedWhenThePeerEndsArrivesWhole}, TLS inside TLS: the outer socket must not end under the inner one. */
    @Test
    void tlsInsideTlsAnswerQueuedWhenThePeerEndsArrivesWhole() throws Exception {
        byte[] answer = answer();
        CompletableFuture<Void> serverSawEnd = new CompletableFuture<>();
        TlsServer outer = Tls.createServer(serverWith(SERVER_RSA).build(), outerSocket -> {
            TlsSocket inner = new TlsSocket(outerSocket, TlsSocketOptions.builder().isServer(true)
                    .cert(SERVER_EC.chainPem()).key(SERVER_EC.privateKeyPem()).build());
            answerOnce(inner, answer, serverSawEnd);
        });
        int port = listen(outer);
        try (Closing closing = closing(outer)) {
            CompletableFuture<Void> outerSecure = new CompletableFuture<>();
            TlsSocket outerClient = Tls.connect(clientTo(port).build(), () -> outerSecure.complete(null));
            await(outerSecure);
            CompletableFuture<Void> secure = new CompletableFuture<>();
            TlsSocket inner = Tls.connect(TlsConnectOptions.builder().socket(outerClient).host("localhost")
                    .ca(ROOT.certificatePem()).build(), () -> secure.complete(null));
            assertReceivedWhole(inner, secure, answer, serverSawEnd);
            eventually("outer client closed", outerClient::closed);
        }
    }

    /**
     * A reader that pauses while the whole answer and the peer's end are already read off the
     * wire: the transport underneath has ended both ways and closes itself, yet what waits in
     * the engine is the reader's, delivered on resume, then 'end'. (The TCP socket once took the
     * TLS socket down with it, dropping the answer's undecrypted tail: seen as a short echo from
     * Node under blocking streams.)
     */
    @Test
    void aPausedReaderGetsEverythingAfterTheTransportClosedUnderIt() throws Exception {
        byte[] answer = new byte[100 << 10]; // with its close_notify: less than one loop read, more than one chunk
        new Random(5).nextBytes(answer);
        CompletableFuture<Void> requestSeen = new CompletableFuture<>();
        CompletableFuture<Void> serverClosed = new CompletableFuture<>();
        // allowHalfOpen: the server answers after the client's end (which arrives with the request)
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).allowHalfOpen(true).build(), socket -> {
            socket.once(Duplex.DATA, request -> {
                requestSeen.complete(null);
                socket.loop().schedule(Duration.ofMillis(100), () -> socket.end(ByteBuffer.wrap(answer)));
            });
            socket.on(Duplex.CLOSE, hadError -> serverClosed.complete(null));
        });
        int port = listen(server);
        try (Closing closing = closing(server)) {
            CompletableFuture<Void> secure = new CompletableFuture<>();
            TlsSocket client = Tls.connect(clientTo(port).build(), () -> secure.complete(null));
            Sink sink = new Sink(client);
            client.once(Duplex.DATA, first -> client.pause()); // after the first chunk, the rest already read
            await(secure);
            client.end("request"); // our side is done first: the transport has finished when the peer ends
            await(requestSeen);
            // Keep the client's loop busy until the answer, its close_notify and the FIN all wait
            // in the kernel, so that one read takes them together.
            client.loop().execute(() -> Waiting.sleep(Duration.ofMillis(400)));
            await(serverClosed);
            eventually("the paused client took its first chunk", () -> sink.bytes.get() > 0);
            Thread.sleep(100); // the transport reads the FIN, ends and closes meanwhile
            assertFalse(client.closed(), "the socket waits for its reader");
            assertTrue(sink.bytes.get() < answer.length, "paused before the end");
            client.resume();
            assertEquals(sha256(answer), await(sink.done), "received " + sink.bytes.get() + " of " + answer.length);
            eventually("client closed", client::closed);
        }
    }

    /**
     * A socket that ended and is destroyed from inside another connection's 'data' listener, on
     * the same loop, drops its own unread input without touching the loop's read buffer: the
     * listening connection's records still lent from that buffer to its engine must decrypt
     * intact (the drop once read into the shared buffer: the second connection then failed with
     * a bad record).
     */
    @Test
    void anEndedSocketDestroyedInsideAnotherConnectionsListenerLeavesThatConnectionsBytesIntact() throws Exception {
        EventLoopGroup oneLoop = new EventLoopGroup("one-loop", 1);
        try {
            byte[] burst = new byte[100 << 10]; // one loop read holds it all: several records still lent after the first chunk
            new Random(6).nextBytes(burst);
            CompletableFuture<TlsSocket> ended = new CompletableFuture<>();
            CompletableFuture<Void> endedFinished = new CompletableFuture<>();
            AtomicReference<Sink> burstSink = new AtomicReference<>();
            AtomicReference<Throwable> burstError = new AtomicReference<>();
            TlsServer server = Tls.createServer(serverWith(SERVER_EC).group(oneLoop).build(), socket -> {
                if (!ended.isDone()) { // the first connection: paused, then ended, its peer's bytes unread
                    socket.pause();
                    socket.once(Duplex.FINISH, () -> endedFinished.complete(null));
                    ended.complete(socket);
                    return;
                }
                try {
                    burstSink.set(new Sink(socket));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                socket.on(Duplex.ERROR, e -> {
                    burstError.set(e);
                    burstSink.get().done.completeExceptionally(e); // fail now, not at the timeout
                });
                socket.once(Duplex.DATA, first -> ended.join().destroy()); // on this loop: at once
            });
            int port = listen(server);
            try (Closing closing = closing(server)) {
                Client idle = connect(clientTo(port).build());
                await(idle.secure());
                TlsSocket endedSide = await(ended);
                CompletableFuture<Void> written = new CompletableFuture<>();
                idle.socket().write(ByteBuffer.wrap(new byte[256 << 10]), e -> written.complete(null)); // never read
                await(written);
                endedSide.end();
                await(endedFinished);

                Client burstClient = connect(clientTo(port).build());
                await(burstClient.secure());
                eventually("the server's side is ready", () -> burstSink.get() != null);
                // The server's loop sleeps while the whole burst arrives, then takes it in one read.
                oneLoop.next().execute(() -> Waiting.sleep(Duration.ofMillis(300)));
                burstClient.socket().write(ByteBuffer.wrap(burst));
                burstClient.socket().end();
                assertEquals(sha256(burst), await(burstSink.get().done),
                        "received " + burstSink.get().bytes.get() + " bytes, error " + burstError.get());
                assertNull(burstError.get());
            }
        } finally {
            oneLoop.shutdown();
        }
    }

    /**
     * Node's rule for 'end' without a reader: input that ends with nothing left to read ends the
     * stream even if nobody listens for 'data' (a Node client behaves the same against a server
     * that ends at once). The TLS socket then ends its side and closes; nothing underneath
     * closes it on its behalf.
     */
    @Test
    void aClientNobodyReadsStillEndsWhenTheServerEndsWithNothingSent() {
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), TlsSocket::end);
        int port = listen(server);
        try (Closing closing = closing(server)) {
            Recorder[] events = new Recorder[1];
            Tls.connect(clientTo(port).build(), s -> events[0] = new Recorder(s), null);
            assertFalse(await(events[0].closed));
            assertEquals(List.of("secureConnect", "end", "finish", "close:false"), events[0].events);
        }
    }

    private static byte[] answer() {
        byte[] answer = new byte[16 << 20]; // far more than the loopback socket buffers hold unread
        new Random(4).nextBytes(answer);
        return answer;
    }

    /**
     * Server side: answers the first chunk with {@code answer} in 64 KiB writes at once (beyond
     * the high-water mark, as Node allows: the TLS socket queues them), notes 'end'.
     */
    private static void answerOnce(TlsSocket socket, byte[] answer, CompletableFuture<Void> sawEnd) {
        socket.once(Duplex.DATA, request -> {
            for (int offset = 0; offset < answer.length; offset += 65_536) {
                socket.write(ByteBuffer.wrap(answer, offset, Math.min(65_536, answer.length - offset)));
            }
        });
        socket.on(Duplex.END, () -> sawEnd.complete(null));
        socket.on(Duplex.ERROR, sawEnd::completeExceptionally);
    }

    /** Client side: pauses, sends the request and ends; reads only once the server saw the end. */
    private static void assertReceivedWhole(TlsSocket client, CompletableFuture<Void> secure, byte[] answer,
            CompletableFuture<Void> serverSawEnd) throws Exception {
        Sink sink = new Sink(client);
        AtomicReference<Throwable> error = new AtomicReference<>();
        client.on(Duplex.ERROR, error::set);
        await(secure);
        client.pause(); // once secure: from now on the transport underneath is not read either
        client.end("request");
        await(serverSawEnd);
        client.resume();
        assertEquals(sha256(answer), await(sink.done, java.time.Duration.ofSeconds(60)),
                "received " + sink.bytes.get() + " of " + answer.length + " bytes, error " + error.get());
        assertEquals(answer.length, sink.bytes.get());
        eventually("client closed", client::closed);
        assertNull(error.get());
    }

    @Test
    void writesFromManyThreadsArriveWhole() throws Exception {
        CompletableFuture<String> received = new CompletableFuture<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), socket -> {
            StringBuilder got = new StringBuilder();
            socket.on(Duplex.DATA, buf -> got.append(utf8(buf)));
            socket.on(Duplex.END, () -> received.complete(got.toString()));
        });
        int port = listen(server);
        try (Closing closing = closing(server)) {
            Client c = connect(clientTo(port).build());
            await(c.secure());
            Thread[] writers = new Thread[4];
            for (int t = 0; t < writers.length; t++) {
                char letter = (char) ('a' + t);
                writers[t] = Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 500; i++) {
                        c.socket().write(String.valueOf(letter).repeat(10));
                    }
                });
            }
            for (Thread w : writers) {
                w.join();
            }
            c.socket().end();
            String all = await(received);
            assertEquals(4 * 500 * 10, all.length());
            for (char letter = 'a'; letter < 'e'; letter++) {
                final char l = letter;
                assertEquals(5000, all.chars().filter(ch -> ch == l).count());
            }
            await(c.events().closed);
        }
    }

    @Test
    void destroyFromAnotherThreadIsSafe() {
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), echo());
        int port = listen(server);
        try (Closing closing = closing(server)) {
            Client c = connect(clientTo(port).build());
            await(c.secure());
            c.socket().write("x");
            c.socket().destroy(new TlsException("E_TEST", "stop"));
            assertTrue(await(c.events().closed));
            assertEquals("E_TEST", code(await(c.events().error)));
            assertNull(c.socket().getCipher());
            assertFalse(c.socket().write("late"), "writes after destroy are refused");
        }
    }
}
