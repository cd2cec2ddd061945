package io.jtls.internal.engine;

import static io.jtls.internal.engine.TestPki.ROOT;
import static io.jtls.internal.engine.TestPki.SERVER_EC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jtls.support.NativeLeakCheck;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The engine swaps its memory BIOs for empty ones after the handshake (to drop the capacity of
 * the handshake's flights): no byte in flight may be lost across the swap, in either direction.
 */
class EngineBioRenewalTest {
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
            pair.client.clearIn(ByteBuffer.wrap(first)); // queued after the Finished, in the same BIO
            pair.transfer(pair.client, pair.server); // the server's read BIO holds both
            assertEquals(EngineState.ESTABLISHED, pair.server.handshake()); // reads the Finished only
            pair.transfer(pair.server, pair.client); // tickets leave; the application record still waits
            ByteBuffer got = ByteBuffer.allocate(first.length + 1);
            pair.server.clearOut(got);
            assertArrayEquals(first, Arrays.copyOf(got.array(), got.position()));
            exchange(pair);
        }
    }

    @Test
    void bothDirectionsKeepWorkingAfterTheHandshake() {
        for (String version : List.of("TLSv1.3", "TLSv1.2")) {
            try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
                 var clientCtx = TestContexts.builder().ca(ROOT).maxVersion(version).build();
                 var pair = new EnginePair(clientCtx, serverCtx)) {
                pair.handshake();
                exchange(pair);
                exchange(pair);
            }
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
