package io.jtls.internal.engine;

import static io.jtls.internal.engine.TestPki.ROOT;
import static io.jtls.internal.engine.TestPki.SERVER_EC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.support.NativeLeakCheck;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The engine swaps each memory BIO for an empty one once after the handshake (to drop the
 * capacity of the handshake's flights, see {@link BioRenewal}): it does so on both sides, never
 * while the BIO holds bytes (application data behind the peer's Finished, output the driver has
 * not taken yet), never again afterwards, and no byte in flight is lost across the swap.
 */
class EngineBioRenewalTest {
    @RegisterExtension
    final NativeLeakCheck leaks = NativeLeakCheck.after(() -> TestPki.ROOT.hashCode()); // make the PKI before counting

    private static final int BOTH_RENEWED = BioRenewal.READ_RENEWED | BioRenewal.WRITE_RENEWED;

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
            pair.client.clearIn(ByteBuffer.wrap(first)); // queued after the Finished, in the same BIO
            pair.transfer(pair.client, pair.server); // the server's read BIO holds both
            assertEquals(EngineState.ESTABLISHED, pair.server.handshake()); // reads the Finished only
            assertTrue(pair.server.encInPending() > 0, "the application record waits in the read BIO");
            pair.transfer(pair.server, pair.client); // tickets leave; the application record still waits
            assertEquals(0, pair.server.bioRenewalBits() & BioRenewal.READ_RENEWED, "not swapped with bytes in it");
            ByteBuffer got = ByteBuffer.allocate(first.length + 1);
            pair.server.clearOut(got);
            assertArrayEquals(first, Arrays.copyOf(got.array(), got.position()));
            assertEquals(BOTH_RENEWED, pair.server.bioRenewalBits() & BOTH_RENEWED, "swapped once it was read");
            exchange(pair);
        }
    }

    @Test
    void outputNotTakenYetStaysInTheWriteBio() {
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
            // A driver holding its output (a server waiting for 'newSession') reads on but does
            // not take the output: the read BIO may go, the write BIO must stay as it is.
            assertEquals(0, pair.server.clearOut(ByteBuffer.allocate(64)));
            assertEquals(BioRenewal.READ_RENEWED, pair.server.bioRenewalBits() & BOTH_RENEWED);
            assertEquals(tickets, pair.server.encPending(), "the held tickets are still there, whole");
            byte[] reply = "the reply after the tickets".getBytes(StandardCharsets.US_ASCII);
            pair.server.clearIn(ByteBuffer.wrap(reply)); // behind the tickets, as Node's held EncOut
            pair.transfer(pair.server, pair.client);
            assertEquals(BOTH_RENEWED, pair.server.bioRenewalBits() & BOTH_RENEWED, "swapped once drained");
            ByteBuffer got = ByteBuffer.allocate(reply.length + 1);
            pair.client.clearOut(got);
            assertArrayEquals(reply, Arrays.copyOf(got.array(), got.position()));
            assertTrue(pair.client.hasNewSession(), "the tickets arrived before the reply and were read");
            pair.client.discardNewSessions();
            exchange(pair);
        }
    }

    @Test
    void bothDirectionsKeepWorkingAfterTheHandshakeAndEachBioIsRenewedOnce() {
        for (String version : List.of("TLSv1.3", "TLSv1.2")) {
            try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
                 var clientCtx = TestContexts.builder().ca(ROOT).maxVersion(version).build();
                 var pair = new EnginePair(clientCtx, serverCtx)) {
                pair.handshake();
                exchange(pair);
                int client = pair.client.bioRenewalBits();
                int server = pair.server.bioRenewalBits();
                assertEquals(BOTH_RENEWED, client & BOTH_RENEWED, version + " client");
                assertEquals(BOTH_RENEWED, server & BOTH_RENEWED, version + " server");
                exchange(pair);
                exchange(pair);
                // Nothing is due any more: streaming never tries again (no call per flush).
                assertEquals(client, pair.client.bioRenewalBits(), version + " client, later");
                assertEquals(server, pair.server.bioRenewalBits(), version + " server, later");
                assertEquals(0, client & (BioRenewal.READ_DUE | BioRenewal.WRITE_DUE));
                assertEquals(0, server & (BioRenewal.READ_DUE | BioRenewal.WRITE_DUE));
            }
        }
    }

    /**
     * One owner, freed once: each replaced BIO is freed by the swap itself, the new BIOs are not
     * freed while the engine lives, and closing frees exactly the new ones. A BIO leaked by the
     * swap, or freed early (a use after free to come), changes these lists; a double free aborts.
     */
    @Test
    void eachReplacedBioIsFreedOnceAtTheSwapAndTheNewOnesWithTheEngine() {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
             var clientCtx = TestContexts.builder().ca(ROOT).maxVersion("TLSv1.3").build();
             var frees = new BioFrees();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            long oldIn = pair.server.bioForTests(false).address();
            long oldOut = pair.server.bioForTests(true).address();
            frees.watch(pair.server.bioForTests(false));
            frees.watch(pair.server.bioForTests(true));
            pair.handshake();
            exchange(pair);
            assertEquals(BOTH_RENEWED, pair.server.bioRenewalBits() & BOTH_RENEWED);
            List<Long> freedBySwap = frees.takeFreed();
            assertEquals(2, freedBySwap.size(), "each replaced BIO freed once: " + freedBySwap);
            assertTrue(freedBySwap.containsAll(List.of(oldIn, oldOut)), "the replaced ones: " + freedBySwap);
            long newIn = pair.server.bioForTests(false).address();
            long newOut = pair.server.bioForTests(true).address();
            frees.watch(pair.server.bioForTests(false));
            frees.watch(pair.server.bioForTests(true));
            exchange(pair);
            assertEquals(List.of(), frees.takeFreed(), "nothing freed while the engine lives");
            pair.close(); // again at the end of the try: closing is idempotent
            List<Long> freedByClose = frees.takeFreed();
            assertEquals(2, freedByClose.size(), "each new BIO freed once, with the engine: " + freedByClose);
            assertTrue(freedByClose.containsAll(List.of(newIn, newOut)), "the new ones: " + freedByClose);
        }
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
