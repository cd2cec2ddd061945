package io.jtls;

import static io.jtls.TlsTesting.SERVER_EC;
import static io.jtls.TlsTesting.await;
import static io.jtls.TlsTesting.clientTo;
import static io.jtls.TlsTesting.serverWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.error.TlsException;
import io.jtls.net.AddressInfo;
import io.jtls.net.NetException;
import io.jtls.net.Server;
import io.jtls.support.Waiting;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle a Java service expects beside Node's events: futures for listen, connect and
 * close (a bind failure fails the future and is still {@code 'error'}), {@code close(Duration)}
 * against idle clients, {@code AutoCloseable}, and {@code on()} that keeps the receiver's type.
 */
class LifecycleTest {

    private static Throwable failure(CompletableFuture<?> future) {
        CompletionException e = assertThrows(CompletionException.class, future::join);
        return e.getCause();
    }

    @Test
    void aPortInUseFailsTheListenFutureWithEaddrinuseAndIsStillTheErrorEvent() {
        try (TlsServer first = Tls.createServer(serverWith(SERVER_EC).build());
             TlsServer second = Tls.createServer(serverWith(SERVER_EC).build())) {
            AddressInfo bound = await(first.listenAsync(0, "127.0.0.1"));
            assertTrue(first.listening());
            CompletableFuture<Throwable> heard = new CompletableFuture<>();
            second.on(Server.ERROR, heard::complete);
            Throwable error = failure(second.listenAsync(bound.port(), "127.0.0.1"));
            NetException net = (NetException) error;
            assertEquals("EADDRINUSE", net.code());
            assertEquals("listen", net.syscall());
            assertEquals(bound.port(), net.port());
            assertSame(error, await(heard), "the same error reaches 'error'");
            assertFalse(second.listening());
        }
    }

    @Test
    void aBindFailureNobodyObservesIsAWarningNamingTheAddress() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        UnhandledErrorLogTest.Jul jul = new UnhandledErrorLogTest.Jul("io.jtls.net", captured);
        String expectedAddress;
        try (TlsServer first = Tls.createServer(serverWith(SERVER_EC).build());
             TlsServer second = Tls.createServer(serverWith(SERVER_EC).build())) {
            int port = await(first.listenAsync(0, "127.0.0.1")).port();
            failure(second.listenAsync(port, "127.0.0.1")); // no 'error' listener: unhandled
            // The future fails just before the 'error' is emitted (and logged) in the same task:
            // one turn of the server's loop later the line is written.
            Waiting.loopTurns(second.loop(), 2, Duration.ofSeconds(10));
            expectedAddress = "127.0.0.1:" + port;
        } finally {
            jul.close(); // flushes the handler
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        List<String> lines = log.lines().filter(l -> l.contains("EADDRINUSE")).toList();
        assertEquals(1, lines.size(), log);
        assertTrue(lines.getFirst().startsWith("WARNING: ") || lines.getFirst().startsWith("SEVERE: "), log);
        assertTrue(lines.getFirst().contains(expectedAddress), log);
    }

    @Test
    void anIdleClientKeepsCloseOpenButCloseWithADeadlineCompletes() throws Exception {
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), socket -> socket.resume());
        AtomicInteger accepted = new AtomicInteger();
        server.on(Server.CONNECTION, raw -> accepted.incrementAndGet());
        int port = await(server.listenAsync(0, "127.0.0.1")).port();
        // A client that completes the handshake, then neither reads nor closes: idle for good.
        try (java.net.Socket idle = new java.net.Socket("127.0.0.1", port)) {
            CompletableFuture<TlsSocket> secure = Tls.connectAsync(clientTo(port).build(), null);
            await(secure);
            Waiting.eventually("both connections accepted", Duration.ofSeconds(15), () -> accepted.get() == 2);
            CompletableFuture<Void> closed = server.closeAsync();
            // The barrier: the server's loop has run what close() queued, where 'close' would come.
            Waiting.loopTurns(server.loop(), 2, Duration.ofSeconds(10));
            assertFalse(closed.isDone(), "close() completes while connections are open");

            CompletableFuture<Boolean> tlsClientClosed = new CompletableFuture<>();
            secure.join().on(TlsSocket.CLOSE, tlsClientClosed::complete);
            CompletableFuture<Void> deadline = server.close(Duration.ofMillis(500));
            // The TLS client is ended gracefully (close_notify, FIN) and closes its side; the raw
            // idle one ignores the FIN and is destroyed at the deadline.
            assertFalse(await(tlsClientClosed), "the TLS client closed without error");
            await(deadline);
            await(closed);
            assertFalse(server.listening());
            InputStream in = idle.getInputStream();
            while (in.read() >= 0) {
                // drain what the server sent before it went: ends at EOF (or a reset below)
            }
        } catch (java.net.SocketException reset) {
            // the destroyed connection may arrive as a reset: the server is closed either way
        }
    }

    @Test
    void onOnceAndOffKeepTheReceiversType() {
        List<String> heard = new CopyOnWriteArrayList<>();
        Runnable listening = () -> heard.add("listening");
        // Compiles only because on/once/off return TlsServer, and listen follows.
        try (TlsServer server = Tls.createServer(serverWith(SERVER_EC).build())
                .on(Server.LISTENING, listening).once(Server.CLOSE, () -> heard.add("close"))
                .off(Server.LISTENING, () -> { })
                .listen(0, "127.0.0.1", null)) {
            Waiting.eventually("listening", Duration.ofSeconds(15), () -> heard.contains("listening"));
            CompletableFuture<TlsSocket> client = Tls.connectAsync(clientTo(server.address().port()).build(),
                    socket -> socket.on(TlsSocket.DATA, data -> { }).once(TlsSocket.END, () -> heard.add("end")));
            try (TlsSocket socket = await(client)) {
                assertSame(socket, socket.unref().ref()); // and it is AutoCloseable
            }
        }
    }

    @Test
    void connectAsyncFailsWithTheConnectError() throws Exception {
        int port;
        try (java.net.ServerSocket unused = new java.net.ServerSocket(0)) {
            port = unused.getLocalPort();
        }
        Throwable error = failure(Tls.connectAsync(clientTo(port).host("127.0.0.1").build(), null));
        assertEquals("ECONNREFUSED", ((TlsException) error).code());
    }
}
