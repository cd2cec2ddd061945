package io.jtls;

import static io.jtls.TlsTesting.SERVER_EC;
import static io.jtls.TlsTesting.await;
import static io.jtls.TlsTesting.clientTo;
import static io.jtls.TlsTesting.listen;
import static io.jtls.TlsTesting.serverWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.net.EventLoop;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The proxy scenario of issue 7: a handler on loop A reads a socket of loop B while B's handler
 * reads one of A. Handshake values come from the snapshot (no waiting); a live query from the
 * other loop does not wait either (its async form does the work). Before, both getters blocked
 * their loop on the other one: a deadlock.
 */
class CrossLoopQueryTest {
    @Test
    void twoLoopsReadingEachOthersSocketsDoNotDeadlock() throws Exception {
        EventLoop a = new EventLoop("cross-a");
        EventLoop b = new EventLoop("cross-b");
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), socket -> socket.on(TlsSocket.DATA, d -> {}));
        try (TlsTesting.Closing closing = TlsTesting.closing(server)) {
            int port = listen(server);
            CountDownLatch bothInHandlers = new CountDownLatch(2);
            AtomicReference<TlsSocket> onA = new AtomicReference<>();
            AtomicReference<TlsSocket> onB = new AtomicReference<>();
            CompletableFuture<List<Object>> aSawB = new CompletableFuture<>();
            CompletableFuture<List<Object>> bSawA = new CompletableFuture<>();
            CountDownLatch created = new CountDownLatch(2);
            onA.set(connect(port, a, created, bothInHandlers, onB, aSawB));
            onB.set(connect(port, b, created, bothInHandlers, onA, bSawA));
            created.countDown();
            created.countDown();
            List<Object> seenFromA = await(aSawB);
            List<Object> seenFromB = await(bSawA);
            assertEquals("TLSv1.3", seenFromA.get(0));
            assertEquals("TLSv1.3", seenFromB.get(0));
            assertNotNull(seenFromA.get(1), "the peer certificate, from the snapshot");
            assertTrue(seenFromA.get(2) instanceof IllegalStateException, "a blocking live query refuses: " + seenFromA.get(2));
            assertNotNull(seenFromA.get(3), "getSessionAsync answered");
            assertNotNull(seenFromB.get(3));
            // From a thread that runs no connections, the live query waits and answers.
            assertNotNull(onA.get().getSession());
            onA.get().destroy();
            onB.get().destroy();
        } finally {
            a.shutdown();
            b.shutdown();
        }
    }

    private static TlsSocket connect(int port, EventLoop loop, CountDownLatch created, CountDownLatch bothInHandlers,
                                     AtomicReference<TlsSocket> other, CompletableFuture<List<Object>> seen) {
        return Tls.connect(clientTo(port).loop(loop).build(), socket -> socket.once(TlsSocket.SECURE_CONNECT, () -> {
            try {
                created.await(10, TimeUnit.SECONDS);
                // Both loops are now inside a handler at the same time (the test holds them here
                // on purpose), each about to read the other loop's socket.
                bothInHandlers.countDown();
                bothInHandlers.await(10, TimeUnit.SECONDS);
                TlsSocket peer = other.get();
                String protocol = peer.getProtocol();
                Object certificate = peer.getPeerCertificate(true);
                Object refused;
                try {
                    peer.getSession();
                    refused = "answered";
                } catch (IllegalStateException expected) {
                    refused = expected;
                }
                Object refusedCopy = refused;
                peer.getSessionAsync().whenComplete((session, error) ->
                        seen.complete(java.util.Arrays.asList(protocol, certificate, refusedCopy, session)));
            } catch (InterruptedException | RuntimeException e) {
                seen.completeExceptionally(e);
            }
        }), null);
    }
}
