package io.jtls;

import static io.jtls.TlsTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.net.Duplex;
import io.jtls.net.EventLoop;
import io.jtls.net.Net;
import io.jtls.net.Socket;
import io.jtls.support.NativeLeakCheck;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** TlsSocket's own API: construction over a stream, timeouts, sessions, the loops a server uses. */
class TlsSocketTest {
    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    @Test
    void clientAndServerHandshakeAndEcho() {
        CompletableFuture<TlsSocket> accepted = new CompletableFuture<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), socket -> {
            accepted.complete(socket);
            socket.pipe(socket);
        });
        int port = listen(server);
        try (Closing closing = closing(server)) {
            Client c = connect(clientTo(port).build());
            await(c.secure());
            assertTrue(c.socket().authorized(), "authorized");
            assertNull(c.socket().authorizationError());
            assertEquals("TLSv1.3", c.socket().getProtocol());
            c.socket().write("hello");
            c.socket().end(" world");
            assertFalse(await(c.events().closed));
            assertEquals("hello world", c.events().data());
            List<String> events = c.events().events;
            assertEquals("secureConnect", events.getFirst());
            assertEquals("close:false", events.getLast());
            assertTrue(events.indexOf("end") > events.indexOf("data"), events.toString());
            assertTrue(events.contains("finish"), events.toString());
            assertFalse(await(accepted).authorized());
        }
    }

    @Test
    void newTlsSocketOverAConnectedNetSocket() {
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), s -> s.end("hi there"));
        int port = listen(server);
        try (Closing closing = closing(server)) {
            CompletableFuture<Void> connected = new CompletableFuture<>();
            Socket tcp = Net.connect(port, "127.0.0.1", () -> connected.complete(null));
            await(connected);
            // Made on the socket's loop, so that the listeners are in place before anything happens.
            CompletableFuture<Void> secure = new CompletableFuture<>();
            CompletableFuture<TlsSocket> made = new CompletableFuture<>();
            Recorder[] recorder = new Recorder[1];
            tcp.loop().execute(() -> {
                TlsSocket s = new TlsSocket(tcp, TlsSocketOptions.builder().ca(ROOT.certificatePem()).build());
                s.once(TlsSocket.SECURE, () -> secure.complete(null));
                recorder[0] = new Recorder(s).readAll(s);
                made.complete(s);
            });
            TlsSocket tls = await(made);
            Recorder events = recorder[0];
            await(secure);
            assertTrue(tls.authorized(), "the chain verified (no host name check for a bare TLSSocket, as Node)");
            assertFalse(events.events.contains("secureConnect"), "Node emits secureConnect only from tls.connect");
            await(events.closed);
            assertEquals("hi there", events.data());
            assertTrue(tcp.destroyed(), "the socket underneath goes with it");
        }
    }

    @Test
    void connectOverAStreamThatIsNotConnectedYet() {
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), s -> s.end("late"));
        int port = listen(server);
        try (Closing closing = closing(server)) {
            Socket tcp = new Socket();
            Client c = connect(TlsConnectOptions.builder().socket(tcp).servername("localhost").ca(ROOT.certificatePem()).build());
            List<String> order = new CopyOnWriteArrayList<>();
            c.socket().once(TlsSocket.CONNECT, () -> order.add("connect"));
            c.socket().once(TlsSocket.SECURE_CONNECT, () -> order.add("secureConnect"));
            tcp.connect(port, "127.0.0.1", null);
            await(c.events().closed);
            assertEquals("late", c.events().data());
            assertEquals(List.of("connect", "secureConnect"), order);
        }
    }

    @Test
    void connectOverADestroyedStreamFailsCleanly() {
        Socket tcp = new Socket();
        tcp.destroy();
        eventually("destroyed", tcp::destroyed);
        Client c = connect(TlsConnectOptions.builder().socket(tcp).build());
        assertEquals("ERR_SOCKET_CLOSED", code(await(c.events().error)));
        await(c.events().closed);
    }

    @Test
    void portAndHostOverload() {
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), s -> s.end("x"));
        int port = listen(server);
        try (Closing closing = closing(server)) {
            CompletableFuture<Void> secure = new CompletableFuture<>();
            TlsSocket socket = Tls.connect(port, "localhost", TlsConnectOptions.builder().ca(ROOT.certificatePem()).build(),
                    () -> secure.complete(null));
            await(secure);
            assertTrue(socket.authorized(), "the certificate is checked against the host");
            assertEquals(null, socket.servername(), "as Node, no SNI unless servername is given");
            socket.destroy();
        }
    }

    @Test
    void customLookupResolvesTheHostWhoseNameIsChecked() {
        var named = io.jtls.pki.HeldCertificate.builder().commonName("service.internal")
                .addSubjectAltName("service.internal").signedBy(ROOT).build();
        CompletableFuture<String> serverSaw = new CompletableFuture<>();
        TlsServer server = Tls.createServer(serverWith(named).build(), s -> {
            serverSaw.complete(s.servername());
            s.end();
        });
        int port = listen(server);
        try (Closing closing = closing(server)) {
            List<String> looked = new CopyOnWriteArrayList<>();
            Client c = connect(TlsConnectOptions.builder().host("service.internal").port(port).ca(ROOT.certificatePem())
                    .lookup(host -> {
                        looked.add(host);
                        return List.of(java.net.InetAddress.getLoopbackAddress());
                    }).build());
            await(c.secure());
            assertTrue(c.socket().authorized());
            assertEquals(null, await(serverSaw), "as Node, SNI is not derived from the host");
            assertEquals(List.of("service.internal"), looked);
            await(c.events().closed);
        }
    }

    @Test
    void setTimeoutForwardsTheIdleTimeoutOfTheSocketUnderneath() {
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), s -> s.resume());
        int port = listen(server);
        try (Closing closing = closing(server)) {
            Client c = connect(clientTo(port).timeout(java.time.Duration.ofMillis(150)).build());
            CompletableFuture<Long> timedOut = new CompletableFuture<>();
            long start = System.nanoTime();
            c.socket().once(TlsSocket.TIMEOUT, () -> timedOut.complete(System.nanoTime() - start));
            long elapsed = await(timedOut);
            assertTrue(elapsed >= 100_000_000L, "after about 150 ms: " + elapsed);
            assertFalse(c.socket().destroyed(), "a timeout does not close the socket");
            c.socket().setNoDelay(true).setKeepAlive(true, 1000).setTimeout(0, null);
            c.socket().destroy();
            await(c.events().closed);
        }
    }

    @Test
    void tls12SessionResumesWithTheSessionOfAnEarlierConnection() {
        // The servers keep connections open: the getters are read while the sockets live.
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).maxVersion("TLSv1.2").build(), s -> s.resume());
        int port = listen(server);
        try (Closing closing = closing(server)) {
            Client first = connect(clientTo(port).build());
            await(first.secure());
            byte[] session = first.socket().getSession();
            assertNotNull(session);
            assertFalse(first.socket().isSessionReused());
            first.socket().destroy();

            Client second = connect(clientTo(port).session(session).build());
            await(second.secure());
            assertTrue(second.socket().isSessionReused(), "resumed from the ticket");
            assertTrue(second.socket().authorized(), "a resumed session stays authorized (no identity re-check)");
            second.socket().destroy();

            // Another server with the same ticket keys accepts the ticket; one with other keys does not.
            TlsServer twin = Tls.createServer(serverWith(SERVER_EC).maxVersion("TLSv1.2").build(), s -> s.resume());
            twin.setTicketKeys(server.getTicketKeys());
            int twinPort = listen(twin);
            try (Closing closingTwin = closing(twin)) {
                Client third = connect(clientTo(twinPort).session(session).build());
                await(third.secure());
                assertTrue(third.socket().isSessionReused(), "shared ticket keys resume across servers");
                third.socket().destroy();
                twin.setTicketKeys(new byte[48]);
                Client fourth = connect(clientTo(twinPort).session(session).build());
                await(fourth.secure());
                assertFalse(fourth.socket().isSessionReused());
                fourth.socket().destroy();
                await(fourth.events().closed);
            }
        }
    }

    @Test
    void aServerSpreadsConnectionsOverItsLoopsAndSharesOneContext() throws Exception {
        Set<EventLoop> loops = ConcurrentHashMap.newKeySet();
        Set<SecureContext> contexts = ConcurrentHashMap.newKeySet();
        io.jtls.net.EventLoopGroup group = new io.jtls.net.EventLoopGroup("tls-server", 3);
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).group(group).build(), s -> {
            loops.add(s.loop());
            contexts.add(s.secureContext());
            s.end();
        });
        int port = listen(server);
        try (Closing closing = closing(server)) {
            for (int i = 0; i < 8; i++) {
                await(connect(clientTo(port).build()).events().closed);
            }
            assertEquals(3, loops.size(), "round robin over the server's three loops");
            assertEquals(1, contexts.size());
            assertSame(server.secureContext(), contexts.iterator().next());
        }
        group.shutdown();
        assertTrue(group.awaitTermination(java.time.Duration.ofSeconds(5)));
    }

    @Test
    void dataWrittenBeforeTheHandshakeIsSentAfterIt() {
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), echo());
        int port = listen(server);
        try (Closing closing = closing(server)) {
            Client c = connect(clientTo(port).build());
            c.socket().write("early ");
            c.socket().end("bird");
            await(c.events().closed);
            assertEquals("early bird", c.events().data());
        }
    }

    @Test
    void textEncoding() {
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), s -> s.end("héllo wörld"));
        int port = listen(server);
        try (Closing closing = closing(server)) {
            StringBuilder text = new StringBuilder();
            CompletableFuture<Boolean> closed = new CompletableFuture<>();
            // Set up before the connection starts: the server's bytes may arrive at once.
            Tls.connect(clientTo(port).build(), s -> {
                s.setEncoding(java.nio.charset.StandardCharsets.UTF_8);
                s.on(Duplex.TEXT, text::append);
                s.on(Duplex.CLOSE, closed::complete);
            }, () -> { });
            await(closed);
            assertEquals("héllo wörld", text.toString());
        }
    }
}
