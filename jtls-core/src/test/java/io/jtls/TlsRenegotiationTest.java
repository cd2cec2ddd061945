package io.jtls;

import static io.jtls.TlsTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.tls.HandshakeRecordWatch;
import io.jtls.internal.tls.RenegotiationLimit;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import io.jtls.support.ExternalProcess;
import io.jtls.support.NativeLeakCheck;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Node's renegotiation rules: CLIENT_RENEG_LIMIT per CLIENT_RENEG_WINDOW, disableRenegotiation(), renegotiate(). */
class TlsRenegotiationTest {

    @Test
    void recordWatchCountsEachRenegotiationOnceAcrossSplitReads() {
        HandshakeRecordWatch watch = new HandshakeRecordWatch();
        // Initial TLS 1.2 handshake from a client: ClientHello, ClientKeyExchange, CCS, Finished, then data.
        byte[] initial = concat(record(22, 100), record(22, 70), record(20, 1), record(22, 40), record(23, 300));
        assertEquals(1, scanInPieces(watch, initial, 7), "the initial handshake starts once");
        byte[] renegotiation = concat(record(22, 200), record(22, 70), record(20, 1), record(22, 40), record(23, 20));
        assertEquals(1, scanInPieces(watch, renegotiation, 3));
        assertEquals(1, scanInPieces(watch, renegotiation, 1000));
        // TLS 1.3: everything after the handshake is application_data on the wire.
        HandshakeRecordWatch tls13 = new HandshakeRecordWatch();
        assertEquals(1, tls13.scan(ByteBuffer.wrap(concat(record(22, 200), record(20, 1), record(23, 60)))));
        assertEquals(0, tls13.scan(ByteBuffer.wrap(concat(record(23, 5000), record(23, 10)))));
    }

    @Test
    void limitFollowsNodesCounting() {
        RenegotiationLimit limit = new RenegotiationLimit(3, 600);
        long t = 1_000_000_000L;
        assertFalse(limit.exceededBy(t));
        assertFalse(limit.exceededBy(t + 1));
        assertFalse(limit.exceededBy(t + 2));
        assertTrue(limit.exceededBy(t + 3), "the fourth within the window");
        RenegotiationLimit windowed = new RenegotiationLimit(3, 600);
        for (int i = 0; i < 10; i++) {
            assertFalse(windowed.exceededBy(t + i * 601_000_000_000L), "one per window is fine");
        }
    }

    private static int scanInPieces(HandshakeRecordWatch watch, byte[] bytes, int piece) {
        int started = 0;
        for (int i = 0; i < bytes.length; i += piece) {
            ByteBuffer chunk = ByteBuffer.wrap(bytes, i, Math.min(piece, bytes.length - i));
            int position = chunk.position();
            started += watch.scan(chunk);
            assertEquals(position, chunk.position(), "the watch only looks");
        }
        return started;
    }

    private static byte[] record(int type, int length) {
        byte[] r = new byte[5 + length];
        r[0] = (byte) type;
        r[1] = 3;
        r[2] = 3;
        r[3] = (byte) (length >> 8);
        r[4] = (byte) length;
        return r;
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /**
     * Small writes coalesced into one record while a node client renegotiates (TLS 1.2): between
     * its ClientHello and its Finished the server's SSL_write takes nothing (WANT_READ), and the
     * staged bytes must stay queued rather than count as written.
     */
    @Test
    void smallWritesDuringAClientsRenegotiationArriveWhole(@TempDir Path dir) throws Exception {
        long nativeStart = NativeLeakCheck.settledLiveTotal();
        java.security.MessageDigest sent = java.security.MessageDigest.getInstance("SHA-256");
        long[] sentBytes = {0};
        CompletableFuture<Void> serverClosed = new CompletableFuture<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).maxVersion("TLSv1.2").build(), socket -> {
            socket.on(Duplex.CLOSE, h -> serverClosed.complete(null));
            boolean[] clientDone = {false};
            int[] turnsAfterDone = {0};
            socket.on(Duplex.DATA, buf -> clientDone[0] = true); // the client's word: renegotiations over
            java.util.Random random = new java.util.Random(7);
            Runnable[] turn = new Runnable[1];
            turn[0] = () -> {
                if (socket.destroyed()) {
                    return;
                }
                if (clientDone[0] && ++turnsAfterDone[0] > 20) {
                    socket.end();
                    return;
                }
                boolean more = true;
                for (int i = 0; i < 8; i++) { // several small writes per turn: they share a record
                    byte[] chunk = new byte[50 + random.nextInt(200)];
                    random.nextBytes(chunk);
                    sent.update(chunk);
                    sentBytes[0] += chunk.length;
                    more = socket.write(chunk);
                }
                if (more) {
                    socket.loop().execute(turn[0]);
                } else {
                    socket.once(Duplex.DRAIN, turn[0]);
                }
            };
            socket.loop().execute(turn[0]);
        });
        int port = listen(server);
        Path script = dir.resolve("reneg-read.js");
        Files.writeString(script, """
                const tls = require('tls');
                const hash = require('crypto').createHash('sha256');
                let bytes = 0;
                const c = tls.connect({port: %d, host: '127.0.0.1', rejectUnauthorized: false, maxVersion: 'TLSv1.2'}, () => {
                  let n = 0;
                  const again = () => c.renegotiate({}, (err) => {
                    if (err) console.log('reneg error ' + err.code);
                    if (!err && ++n < 3) setTimeout(again, 5); else c.write('done');
                  });
                  setTimeout(again, 5);
                });
                c.on('data', (d) => { bytes += d.length; hash.update(d); });
                c.on('end', () => console.log('got ' + bytes + ' ' + hash.digest('hex')));
                c.on('error', (e) => console.log('client error ' + e.code));
                """.formatted(port));
        try (Closing closing = closing(server); ExternalProcess node = ExternalProcess.start(List.of("node", script.toString()))) {
            String got = node.awaitLine(line -> line.startsWith("got ") || line.contains("error"), Duration.ofSeconds(30));
            await(serverClosed);
            String expected = "got " + sentBytes[0] + " " + java.util.HexFormat.of().formatHex(sent.digest());
            assertEquals(expected, got, node.output());
        }
        eventually("natives freed", () -> NativeKind.liveTotal() == nativeStart);
    }

    /** A node client that renegotiates {@code times} times, printing each outcome. */
    private static ExternalProcess nodeRenegotiator(Path dir, int port, int times) throws Exception {
        Path script = dir.resolve("reneg.js");
        Files.writeString(script, """
                const tls = require('tls');
                const c = tls.connect({port: %d, host: '127.0.0.1', rejectUnauthorized: false, maxVersion: 'TLSv1.2'}, () => {
                  let n = 0;
                  const again = () => c.renegotiate({}, (err) => {
                    console.log('reneg ' + n + ' ' + (err ? err.code : 'ok'));
                    if (!err && ++n < %d) again(); else c.end();
                  });
                  again();
                });
                c.on('error', (e) => console.log('client error ' + e.code));
                c.on('close', () => console.log('closed'));
                """.formatted(port, times));
        return ExternalProcess.start(List.of("node", script.toString()));
    }

    @Test
    void aServerStopsAClientThatRenegotiatesTooOften(@TempDir Path dir) throws Exception {
        long nativeStart = NativeLeakCheck.settledLiveTotal();
        List<String> serverErrors = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> serverClosed = new CompletableFuture<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).maxVersion("TLSv1.2").build(), socket -> {
            socket.on(EventEmitter.ERROR, e -> serverErrors.add(code(e)));
            socket.on(Duplex.CLOSE, h -> serverClosed.complete(null));
            socket.resume();
        });
        int port = listen(server);
        try (Closing closing = closing(server); ExternalProcess node = nodeRenegotiator(dir, port, 6)) {
            node.awaitLine(line -> line.equals("reneg 2 ok"), Duration.ofSeconds(15));
            node.awaitLine(line -> line.equals("closed"), Duration.ofSeconds(15));
            await(serverClosed);
            assertEquals(List.of("ERR_TLS_SESSION_ATTACK"), serverErrors, "the fourth renegotiation is one too many");
        }
        eventually("natives freed", () -> NativeKind.liveTotal() == nativeStart);
    }

    @Test
    void disableRenegotiationRefusesTheFirstOne(@TempDir Path dir) throws Exception {
        List<String> serverErrors = new CopyOnWriteArrayList<>();
        AtomicInteger secure = new AtomicInteger();
        CompletableFuture<Void> serverClosed = new CompletableFuture<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).maxVersion("TLSv1.2").build(), socket -> {
            secure.incrementAndGet();
            socket.disableRenegotiation();
            socket.on(EventEmitter.ERROR, e -> serverErrors.add(code(e) + ": " + e.getMessage()));
            socket.on(Duplex.CLOSE, h -> serverClosed.complete(null));
            socket.resume();
        });
        int port = listen(server);
        try (Closing closing = closing(server); ExternalProcess node = nodeRenegotiator(dir, port, 1)) {
            node.awaitLine(line -> line.equals("closed"), Duration.ofSeconds(15));
            await(serverClosed);
            assertEquals(List.of("ERR_TLS_RENEGOTIATION_DISABLED: TLS session renegotiation disabled for this socket"),
                    serverErrors);
            assertEquals(1, secure.get());
        }
    }

    @Test
    void renegotiateReportsWhyItCannotStart() {
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), echo());
        int port = listen(server);
        try (Closing closing = closing(server)) {
            Client c = connect(clientTo(port).build());
            await(c.secure());
            CompletableFuture<Throwable> result = new CompletableFuture<>();
            assertFalse(c.socket().renegotiate(true, true, result::complete));
            assertEquals("ERR_SSL_WRONG_SSL_VERSION", code(await(result)), "TLS 1.3 has no renegotiation, as in Node");
            c.socket().end();
            await(c.events().closed);
        }
    }
}
