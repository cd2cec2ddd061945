package io.jtls;

import static io.jtls.TlsTesting.SERVER_EC;
import static io.jtls.TlsTesting.eventually;
import static io.jtls.TlsTesting.listen;
import static io.jtls.TlsTesting.serverWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jtls.internal.openssl.NativeKind;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import io.jtls.net.EventLoop;
import io.jtls.net.EventLoopGroup;
import io.jtls.support.NativeLeakCheck;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Connections opened and destroyed on several loops at once (two server loops, two client
 * loops, destroyed from either side at different points), counted without any per-connection
 * word shared between loops: the live native counts still come back to their start, nothing is
 * left for the Cleaner, and the sockets' engines never registered with the Cleaner at all (the
 * socket always frees its engine when it is destroyed), while an engine a user holds still does.
 */
class ManyLoopsNativeCountsTest {
    private static final int CONNECTIONS = 400;

    @Test
    void connectionsOnTwoLoopsEachSideLeaveTheCountsWhereTheyStarted() throws Exception {
        long liveStart = NativeLeakCheck.settledLiveTotal();
        long sslLeakedStart = NativeKind.SSL.leaked();
        EventLoopGroup serverLoops = new EventLoopGroup("counts-server", 2);
        EventLoop clientA = new EventLoop("counts-client-a");
        EventLoop clientB = new EventLoop("counts-client-b");
        AtomicInteger serverSecure = new AtomicInteger();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).group(serverLoops).build(), socket -> {
            serverSecure.incrementAndGet();
            socket.on(EventEmitter.ERROR, e -> { });
            if (serverSecure.get() % 5 == 0) {
                socket.destroy(); // the server side ends some at once
            } else {
                socket.pipe(socket);
            }
        });
        server.on(TlsServer.TLS_CLIENT_ERROR, (e, s) -> { });
        SecureContext clientContext = Tls.createSecureContext(
                io.jtls.context.SecureContextOptions.builder().ca(TlsTesting.ROOT.certificatePem()).build());
        try {
            int port = listen(server);
            long cleanerStart = cleanerRegistrations(); // the contexts are made: from here on, connections only
            CountDownLatch closed = new CountDownLatch(CONNECTIONS);
            AtomicInteger echoed = new AtomicInteger();
            String[] phase = new String[CONNECTIONS]; // where each connection got to, for a failure message
            for (int i = 0; i < CONNECTIONS; i++) {
                int n = i;
                phase[n] = "connecting";
                TlsSocket socket = Tls.connect(TlsConnectOptions.builder().host("127.0.0.1").servername("localhost").port(port)
                        .secureContext(clientContext).loop((i & 1) == 0 ? clientA : clientB).build(), s -> {
                    s.on(EventEmitter.ERROR, e -> phase[n] = phase[n] + ", error " + TlsTesting.code(e));
                    s.on(Duplex.CLOSE, hadError -> {
                        phase[n] = "closed";
                        closed.countDown();
                    });
                    s.on(Duplex.DATA, data -> {
                        phase[n] = "echoed";
                        echoed.incrementAndGet();
                        s.end();
                    });
                    if (n % 7 != 0) { // here, before the loop can run the handshake: not after connect() returns
                        s.once(TlsSocket.SECURE_CONNECT, () -> {
                            phase[n] = "secure";
                            s.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                        });
                    }
                }, null);
                if (n % 7 == 0) {
                    socket.destroy(); // before or during the handshake, from this thread
                }
            }
            if (!closed.await(60, TimeUnit.SECONDS)) {
                java.util.Map<String, Integer> stuck = new java.util.TreeMap<>();
                for (int k = 0; k < CONNECTIONS; k++) {
                    if (!"closed".equals(phase[k])) {
                        stuck.merge((k % 7 == 0 ? "destroyed at once, " : "") + phase[k], 1, Integer::sum);
                    }
                }
                fail("still open: " + closed.getCount() + " " + stuck + "; server: " + server.connections()
                        + " open, " + serverSecure.get() + " secure, stats " + server.stats());
            }
            assertTrue(echoed.get() > CONNECTIONS / 2, "echoes: " + echoed.get());
            // Engines, and every handle the handshakes made (peer certificate readers, keys):
            // none went through the Cleaner's process-wide list.
            assertEquals(cleanerStart, cleanerRegistrations(), "Cleaner registrations while connections came and went");
        } finally {
            server.close(java.time.Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS); // ends what a failure left open
            clientContext.close();
            clientA.shutdown();
            clientB.shutdown();
            serverLoops.shutdown();
        }
        eventually("every native object freed (" + NativeKind.liveSummary() + ")",
                () -> NativeKind.liveTotal() == liveStart);
        assertEquals(sslLeakedStart, NativeKind.SSL.leaked(), "nothing was left for the Cleaner");
    }

    private static long cleanerRegistrations() {
        long total = 0;
        for (NativeKind kind : NativeKind.values()) {
            total += kind.cleanerRegistrations();
        }
        return total;
    }

    @Test
    void anEngineAUserHoldsKeepsTheCleanerBackstop() {
        long before = NativeKind.SSL.cleanerRegistrations();
        try (SecureContext context = Tls.createSecureContext(io.jtls.context.SecureContextOptions.builder()
                .cert(SERVER_EC.chainPem()).key(SERVER_EC.privateKeyPem()).build())) {
            io.jtls.internal.engine.TlsEngine.server(io.jtls.internal.context.SecureContexts.nativeOf(context)).close();
        }
        assertEquals(before + 1, NativeKind.SSL.cleanerRegistrations());
    }

    /**
     * A TLS socket over a jtls socket that nobody connected yet is the user's to drop: no loop
     * will destroy it, so its engine keeps the Cleaner backstop; once connected it needs none.
     */
    @Test
    void aTlsSocketOverASocketNobodyConnectedKeepsTheCleanerBackstop() {
        EventLoop loop = EventLoopGroup.defaultGroup().next();
        long before = NativeKind.SSL.cleanerRegistrations();
        io.jtls.net.Socket raw = new io.jtls.net.Socket(loop, false);
        TlsSocket unconnected = new TlsSocket(raw);
        assertEquals(before + 1, NativeKind.SSL.cleanerRegistrations(), "a socket nobody connected: the Cleaner");
        unconnected.destroy();
        raw.destroy();
    }
}
