package io.jtls.internal.engine;

import static io.jtls.internal.engine.TestPki.ROOT;
import static io.jtls.internal.engine.TestPki.SERVER_EC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.SecureContext;
import io.jtls.internal.openssl.BioCalls;
import io.jtls.support.GlibcHeap;
import io.jtls.support.NativeLeakCheck;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The engine's own BIO ({@link EngineBio}): ciphertext lent in is read in place and records
 * land in lent output with no copy into the engine; what a call leaves over (bytes behind the
 * peer's Finished, output not taken yet, a record cut by the transport) is kept, in order, in
 * storage that is gone again once drained; the BIO is freed once, with the engine.
 */
class EngineBioTest {
    @RegisterExtension
    final NativeLeakCheck leaks = NativeLeakCheck.after(() -> TestPki.ROOT.hashCode()); // make the PKI before counting

    @Test
    void applicationDataSentWithTheClientsFinishedArrivesAtTheServer() {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
             var clientCtx = TestContexts.builder().ca(ROOT).maxVersion("TLSv1.3").build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.client.handshake(); // ClientHello
            pair.transfer(pair.client, pair.server);
            pair.server.handshake(); // ServerHello .. Finished
            pair.transfer(pair.server, pair.client);
            assertEquals(EngineState.ESTABLISHED, pair.client.handshake()); // its Finished waits in encOut
            byte[] first = "right behind the Finished".getBytes(StandardCharsets.US_ASCII);
            pair.client.clearIn(ByteBuffer.wrap(first)); // queued after the Finished
            pair.transfer(pair.client, pair.server); // the server's input holds both
            assertEquals(EngineState.ESTABLISHED, pair.server.handshake()); // reads the Finished only
            assertTrue(pair.server.encInPending() > 0, "the application record waits");
            pair.transfer(pair.server, pair.client); // tickets leave; the application record still waits
            ByteBuffer got = ByteBuffer.allocate(first.length + 1);
            pair.server.clearOut(got);
            assertArrayEquals(first, Arrays.copyOf(got.array(), got.position()));
            assertEquals(0, pair.server.encInPending());
            exchange(pair);
        }
    }

    @Test
    void outputNotTakenYetStaysInOrderBeforeLaterRecords() {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
             var clientCtx = TestContexts.builder().ca(ROOT).maxVersion("TLSv1.3").build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.client.enableSessionCallbacks();
            pair.client.handshake();
            pair.transfer(pair.client, pair.server);
            pair.server.handshake();
            pair.transfer(pair.server, pair.client);
            pair.client.handshake();
            pair.transfer(pair.client, pair.server);
            assertEquals(EngineState.ESTABLISHED, pair.server.handshake()); // its tickets wait in encOut
            int tickets = pair.server.encPending();
            assertTrue(tickets > 0, "the server's tickets wait");
            assertEquals(0, pair.server.clearOut(ByteBuffer.allocate(64)));
            assertEquals(tickets, pair.server.encPending(), "the held tickets are still there, whole");
            byte[] reply = "the reply after the tickets".getBytes(StandardCharsets.US_ASCII);
            // A loan now takes the stored tickets first, then the reply's record behind them.
            ByteBuffer wire = ByteBuffer.allocateDirect(64 * 1024);
            pair.server.lendOutput(wire);
            pair.server.clearIn(ByteBuffer.wrap(reply));
            pair.server.endOutputLoan(wire);
            assertEquals(0, pair.server.encPending());
            assertTrue(wire.position() > tickets, "tickets and reply in the lent buffer");
            pair.client.lendInput(wire.flip());
            ByteBuffer got = ByteBuffer.allocate(reply.length + 1);
            pair.client.clearOut(got);
            pair.client.endInputLoan(wire);
            assertArrayEquals(reply, Arrays.copyOf(got.array(), got.position()));
            assertTrue(pair.client.hasNewSession(), "the tickets arrived before the reply and were read");
            pair.client.discardNewSessions();
            exchange(pair);
        }
    }

    /**
     * A megabyte of random bytes each way through loans alone, compared by digest: after the
     * handshake, no byte is copied into either engine's storage, and an idle engine holds none.
     */
    @Test
    void bulkBothWaysThroughLoansCopiesNothingIntoTheEngine() throws Exception {
        for (String version : List.of("TLSv1.3", "TLSv1.2")) {
            try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
                 var clientCtx = TestContexts.builder().ca(ROOT).maxVersion(version).build();
                 var pair = new EnginePair(clientCtx, serverCtx)) {
                pair.handshake();
                exchange(pair); // tickets and the handshake's leftovers are read
                long[] clientBefore = pair.client.storedByteCounts();
                long[] serverBefore = pair.server.storedByteCounts();
                byte[] payload = new byte[1 << 20];
                new Random(42).nextBytes(payload);
                assertArrayEquals(digest(payload), digest(lentTransfer(pair.client, pair.server, payload)), version + " c->s");
                assertArrayEquals(digest(payload), digest(lentTransfer(pair.server, pair.client, payload)), version + " s->c");
                assertArrayEquals(clientBefore, pair.client.storedByteCounts(), version + " client copies");
                assertArrayEquals(serverBefore, pair.server.storedByteCounts(), version + " server copies");
                assertTrue(pair.client.storageEmptyForTests() && pair.server.storageEmptyForTests(), "idle: no storage");
            }
        }
    }

    /** Records cut at every byte boundary: the loan's unread tail is kept and read first next time. */
    @Test
    void recordsSplitAtEveryByteAcrossLoansArriveWhole() throws Exception {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
             var clientCtx = TestContexts.builder().ca(ROOT).maxVersion("TLSv1.3").build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.handshake();
            exchange(pair);
            byte[] payload = new byte[3000];
            new Random(7).nextBytes(payload);
            ByteBuffer wire = ByteBuffer.allocateDirect(64 * 1024);
            for (int i = 0; i < 3; i++) { // three records of 1,000 bytes
                pair.client.lendOutput(wire);
                pair.client.clearIn(ByteBuffer.wrap(payload, i * 1000, 1000));
                pair.client.endOutputLoan(wire);
            }
            wire.flip();
            int total = wire.remaining();
            for (int cut = 1; cut < total; cut++) {
                ByteBuffer got = ByteBuffer.allocateDirect(payload.length);
                ByteBuffer whole = wire.duplicate();
                ByteBuffer piece = ByteBuffer.allocateDirect(total);
                piece.put(whole.duplicate().limit(cut)).flip();
                pair.server.lendInput(piece);
                pair.server.clearOut(got);
                pair.server.endInputLoan(piece);
                piece.clear().put(whole.position(cut)).flip();
                pair.server.lendInput(piece);
                pair.server.clearOut(got);
                pair.server.endInputLoan(piece);
                byte[] out = new byte[got.flip().remaining()];
                got.get(out);
                assertArrayEquals(payload, out, "cut at " + cut);
                assertEquals(0, pair.server.encInPending());
                if (cut % 500 == 1) { // the same records again for the next cut: a new client write
                    assertTrue(pair.server.storageEmptyForTests(), "drained storage is freed");
                }
                // Replay is impossible (sequence numbers): produce the same plaintext again.
                wire.clear();
                for (int i = 0; i < 3; i++) {
                    pair.client.lendOutput(wire);
                    pair.client.clearIn(ByteBuffer.wrap(payload, i * 1000, 1000));
                    pair.client.endOutputLoan(wire);
                }
                wire.flip();
                assertEquals(total, wire.remaining());
            }
        }
    }

    /**
     * A handshake paused at the certificate callback (an async SNICallback) with bytes behind the
     * ClientHello in the same read (here the change_cipher_spec record TLS 1.3 lets a client send
     * at any time after its ClientHello, RFC 8446 section 5): the loan's unread tail is kept
     * through the pause, read after the resume, and the handshake completes.
     */
    @Test
    void bytesBehindTheClientHelloWaitThroughAPausedHandshake() {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
             var clientCtx = TestContexts.builder().ca(ROOT).maxVersion("TLSv1.3").build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.server.pauseAt(PausePoint.CERT_CALLBACK);
            pair.client.handshake();
            ByteBuffer wire = ByteBuffer.allocateDirect(8192);
            pair.client.encOut(wire);
            byte[] ccs = {20, 3, 3, 0, 1, 1};
            wire.put(ccs).flip();
            pair.server.lendInput(wire);
            assertEquals(EngineState.AWAITING_CERT_CALLBACK, pair.server.handshake());
            pair.server.endInputLoan(wire);
            assertEquals(ccs.length, pair.server.encInPending(), "the bytes behind the ClientHello are kept");
            assertEquals(0, wire.remaining(), "the loan is over: the buffer may be reused");
            wire.clear().put(new byte[wire.capacity()]); // the lender reuses its buffer
            pair.resumeServer();
            assertEquals(EngineState.ESTABLISHED, pair.server.state());
            assertEquals(0, pair.server.encInPending());
            exchange(pair);
        }
    }

    /**
     * The questions libssl asks its BIO (flush after a flight, kTLS on every record, and the
     * datagram controls of DTLS) get a memory BIO's answers, from the null BIO's C function and
     * from the Java fallback alike: flushed (1), not kTLS (0), nothing buffered for writing (0).
     */
    @Test
    void controlsAnswerAsAMemoryBioWhereLibsslAsks() {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
             var clientCtx = TestContexts.builder().ca(ROOT).build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            var bio = pair.server.bioForTests();
            int getKtlsSend = 73;
            int getKtlsRecv = 76;
            int dgramQueryMtu = 40;
            int[][] expected = {{BioCalls.BIO_CTRL_FLUSH, 1}, {getKtlsSend, 0}, {getKtlsRecv, 0},
                    {BioCalls.BIO_CTRL_WPENDING, 0}, {dgramQueryMtu, 0}};
            for (int[] e : expected) {
                assertEquals(e[1], BioCalls.BIO_ctrl(bio, e[0], 0, java.lang.foreign.MemorySegment.NULL), "cmd " + e[0]);
                assertEquals(e[1], EngineBio.ctrl(bio.address(), e[0], 0, 0), "Java, cmd " + e[0]);
            }
            pair.handshake();
            exchange(pair);
        }
    }

    /**
     * One owner, freed once: the engine's one BIO (read and write) is not freed while the engine
     * lives and is freed exactly once when it closes; a double free would abort.
     */
    @Test
    void theBioIsFreedOnceWithTheEngine() {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
             var clientCtx = TestContexts.builder().ca(ROOT).maxVersion("TLSv1.3").build();
             var frees = new BioFrees();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            long bio = pair.server.bioForTests().address();
            frees.watch(pair.server.bioForTests());
            pair.handshake();
            exchange(pair);
            assertEquals(List.of(), frees.takeFreed(), "nothing freed while the engine lives");
            pair.close(); // again at the end of the try: closing is idempotent
            assertEquals(List.of(bio), frees.takeFreed(), "freed once, with the engine");
        }
    }

    /**
     * Storage the engine still holds when it closes (a peer's records nobody read, records not
     * sent yet) is freed with it: hundreds of engines each close holding ~96 KiB, and glibc's
     * bytes in use come back to where they were. No count of native objects would see such a
     * leak: the storage is plain {@code CRYPTO_realloc}'d memory inside the BIO's struct.
     */
    @Test
    void storageStillHeldAtCloseIsFreedWithTheEngine() throws Throwable {
        int engines = 300;
        int perDirection = 48 * 1024;
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
             var clientCtx = TestContexts.builder().ca(ROOT).maxVersion("TLSv1.3").build()) {
            org.junit.jupiter.api.Assumptions.assumeTrue(GlibcHeap.bytesInUse() >= 0, "needs glibc's mallinfo2");
            closeHoldingStorage(clientCtx, serverCtx, 20, perDirection); // warm-up: first-use allocations
            // glibc's figure is the whole process's: the JIT's compiler arenas and other tests'
            // leftover threads move it too, by megabytes at times. A leak grows it in every round
            // (the input storage alone is half of what is held), noise not: the least growth of
            // up to three rounds decides.
            long held = 0;
            long leastGrowth = Long.MAX_VALUE;
            for (int round = 0; round < 3 && leastGrowth >= held / 4; round++) {
                long before = GlibcHeap.bytesInUse();
                held = closeHoldingStorage(clientCtx, serverCtx, engines, perDirection);
                leastGrowth = Math.min(leastGrowth, GlibcHeap.bytesInUse() - before);
            }
            assertTrue(held >= (long) engines * 2 * perDirection, "stored before closing: " + held);
            assertTrue(leastGrowth < held / 4,
                    "bytes in use grew by at least " + leastGrowth + " in each round of closing engines that held " + held);
        }
    }

    /** Makes {@code count} pairs whose server holds input and output in storage, closes them; returns the bytes held. */
    private static long closeHoldingStorage(SecureContext clientCtx,
            SecureContext serverCtx, int count, int perDirection) {
        byte[] data = new byte[perDirection];
        long held = 0;
        for (int i = 0; i < count; i++) {
            try (var pair = new EnginePair(clientCtx, serverCtx)) {
                pair.handshake();
                pair.client.clearIn(ByteBuffer.wrap(data));
                pair.transfer(pair.client, pair.server); // copied into the server's input storage, unread
                pair.server.clearIn(ByteBuffer.wrap(data)); // records wait in its output storage
                held += pair.server.encInPending() + pair.server.encPending();
            }
        }
        return held;
    }

    /** Sends {@code data} from one engine to the other through lent buffers only (the socket path). */
    private static byte[] lentTransfer(TlsEngine from, TlsEngine to, byte[] data) {
        ByteBuffer src = ByteBuffer.allocateDirect(data.length);
        src.put(data).flip();
        ByteBuffer wire = ByteBuffer.allocateDirect(64 * 1024 + 4 * 1024);
        ByteBuffer plain = ByteBuffer.allocateDirect(64 * 1024);
        ByteBuffer received = ByteBuffer.allocate(data.length);
        int guard = 0;
        while (received.position() < data.length && guard++ < 10_000) {
            wire.clear();
            from.lendOutput(wire);
            from.clearIn(src);
            from.endOutputLoan(wire);
            wire.flip();
            to.lendInput(wire);
            int n;
            do {
                plain.clear();
                n = to.clearOut(plain);
                received.put(plain.flip());
            } while (n > 0);
            to.endInputLoan(wire);
        }
        return received.array();
    }

    private static byte[] digest(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    /** A request larger than a record and its answer, compared byte for byte. */
    private static void exchange(EnginePair pair) {
        byte[] request = new byte[40_000];
        Arrays.fill(request, (byte) 'q');
        assertArrayEquals(request, pair.send(pair.client, pair.server, request));
        byte[] answer = "answered".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(answer, pair.send(pair.server, pair.client, answer));
    }
}
