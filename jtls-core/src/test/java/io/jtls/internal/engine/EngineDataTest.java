package io.jtls.internal.engine;

import static io.jtls.internal.engine.TestPki.ROOT;
import static io.jtls.internal.engine.TestPki.SERVER_EC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.internal.context.SecureContexts;
import io.jtls.support.NativeLeakCheck;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Application data both ways (heap and direct buffers), ALPN, close_notify, and the engine's lifecycle. */
class EngineDataTest {
    @RegisterExtension
    final NativeLeakCheck leaks = NativeLeakCheck.after(() -> TestPki.ROOT.hashCode()); // make the PKI before counting

    @Test
    void largeTransfersBothWaysArriveIntact() throws Exception {
        for (String version : List.of("TLSv1.3", "TLSv1.2")) {
            try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
                 var clientCtx = TestContexts.builder().ca(ROOT).maxVersion(version).build();
                 var pair = new EnginePair(clientCtx, serverCtx)) {
                pair.handshake();
                stream(pair, pair.client, pair.server, 8 << 20, true);
                stream(pair, pair.server, pair.client, 8 << 20, false);
            }
        }
    }

    /**
     * Streams {@code size} random bytes in uneven slices, through direct or heap buffers,
     * reading into small buffers on the other side, and compares SHA-256 digests.
     */
    private static void stream(EnginePair pair, TlsEngine from, TlsEngine to, int size, boolean direct) throws Exception {
        Random random = new Random(size ^ (direct ? 1 : 2));
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        ByteBuffer out = direct ? ByteBuffer.allocateDirect(100_000) : ByteBuffer.allocate(100_000);
        ByteBuffer in = direct ? ByteBuffer.allocate(7_000) : ByteBuffer.allocateDirect(7_000);
        out.flip(); // empty: the loop refills it
        byte[] chunk = new byte[100_000];
        int produced = 0;
        long consumed = 0;
        while (consumed < size) {
            if (!out.hasRemaining() && produced < size) {
                int n = Math.min(size - produced, 1 + random.nextInt(chunk.length));
                random.nextBytes(chunk);
                out.clear();
                out.put(chunk, 0, n).flip();
                sent.update(chunk, 0, n);
                produced += n;
            }
            from.clearIn(out);
            pair.transfer(from, to);
            int n;
            while ((n = to.clearOut(in.clear())) > 0) {
                in.flip();
                byte[] got = new byte[n];
                in.get(got);
                received.update(got);
                consumed += n;
            }
            pair.transfer(to, from);
        }
        assertEquals(size, consumed);
        assertArrayEquals(sent.digest(), received.digest());
    }

    @Test
    void alpnSelectsTheServersFirstChoiceTheClientOffered() {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
             var clientCtx = TestContexts.builder().ca(ROOT).build();
             var pair = new EnginePair(clientCtx, serverCtx);
             var noAlpn = new EnginePair(clientCtx, serverCtx)) {
            pair.server.setAlpnProtocols(List.of("h2", "http/1.1"));
            pair.client.setAlpnProtocols(List.of("http/1.1", "h2c"));
            pair.handshake();
            assertEquals("http/1.1", pair.client.alpnProtocol());
            assertEquals("http/1.1", pair.server.alpnProtocol());
            // Another connection on the same context, without a list: no ALPN (Node's false).
            noAlpn.client.setAlpnProtocols(List.of("h2"));
            noAlpn.handshake();
            assertEquals(null, noAlpn.client.alpnProtocol());
        }
    }

    @Test
    void closeNotifyBothWays() {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
             var clientCtx = TestContexts.builder().ca(ROOT).build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.handshake();
            assertArrayEquals("last words".getBytes(), pair.send(pair.client, pair.server, "last words".getBytes()));

            assertFalse(pair.client.shutdown(), "only our half is closed");
            assertTrue(pair.client.closeNotifySent());
            assertFalse(pair.client.closeNotifyReceived());
            pair.transfer(pair.client, pair.server);

            ByteBuffer buf = ByteBuffer.allocate(64);
            assertEquals(-1, pair.server.clearOut(buf), "end of stream");
            assertEquals(-1, pair.server.clearOut(buf), "and it stays so");
            assertTrue(pair.server.closeNotifyReceived());
            // Half-open: the server may still write before it closes its side (TLS 1.3, RFC 8446 6.1).
            assertEquals(5, pair.server.clearIn(ByteBuffer.wrap("bye!!".getBytes())));
            assertTrue(pair.server.shutdown(), "both directions are now closed");
            pair.transfer(pair.server, pair.client);

            ByteBuffer got = ByteBuffer.allocate(64);
            assertEquals(5, pair.client.clearOut(got));
            assertEquals(-1, pair.client.clearOut(got));
            assertTrue(pair.client.closeNotifyReceived());
            assertTrue(pair.client.shutdown());
        }
    }

    @Test
    void writesBeforeTheHandshakeWaitAndNothingWorksAfterClose() {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
             var clientCtx = TestContexts.builder().ca(ROOT).build()) {
            var pair = new EnginePair(clientCtx, serverCtx);
            ByteBuffer early = ByteBuffer.wrap("early".getBytes());
            assertEquals(0, pair.client.clearIn(early), "no application data before the handshake");
            assertEquals(EngineState.HANDSHAKING, pair.client.state(), "SSL_write started the handshake");
            assertFalse(pair.client.shutdown(), "no close_notify during a handshake");
            pair.handshake();
            assertEquals(5, pair.client.clearIn(early));

            pair.close();
            pair.close();
            assertEquals(EngineState.DESTROYED, pair.client.state());
            ByteBuffer b = ByteBuffer.allocate(8);
            for (Runnable call : List.<Runnable>of(pair.client::handshake, () -> pair.client.encIn(b),
                    () -> pair.client.encOut(b), () -> pair.client.clearIn(b), () -> pair.client.clearOut(b),
                    pair.client::shutdown, pair.client::protocol, pair.client::cipher, pair.client::encPending,
                    pair.client::verifyError, pair.client::finished)) {
                assertThrows(IllegalStateException.class, call::run);
            }
        }
    }

    @Test
    void registryForgetsClosedEngines() {
        int before = EngineRegistry.liveCount();
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build()) {
            TlsEngine a = TlsEngine.server(SecureContexts.nativeOf(serverCtx));
            TlsEngine b = TlsEngine.server(SecureContexts.nativeOf(serverCtx));
            assertEquals(before + 2, EngineRegistry.liveCount());
            a.close();
            b.close();
        }
        assertEquals(before, EngineRegistry.liveCount());
    }
}
