package io.jtls.interop;

import static io.jtls.interop.InteropCerts.*;
import static io.jtls.interop.JtlsPeer.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.Tls;
import io.jtls.TlsServer;
import io.jtls.TlsSocket;
import io.jtls.net.EventEmitter;
import io.jtls.support.NativeLeakCheck;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A jtls server under abuse from raw TCP peers: garbage, a plain HTTP request, a truncated
 * ClientHello, a peer that stalls mid-handshake, one that hangs up or resets. The same bytes are
 * sent to a Node server (node/tls-server.js) first: the jtls server's {@code tlsClientError}
 * must carry the code Node's reports. Meanwhile an established connection keeps echoing, and
 * the server accepts new connections afterwards.
 */
class ServerRobustnessTest {
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofMillis(300);

    @TempDir
    static Path dir;
    static PemFiles serverPems;
    /** A real ClientHello, as a jtls client sends it (one TLS record). */
    static byte[] clientHello;

    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    @BeforeAll
    static void setUp() throws IOException {
        serverPems = write(dir, "server-ec", SERVER_EC);
        clientHello = captureClientHello();
    }

    /** One kind of abuse: bytes to send, then what to do with the connection. */
    record Abuse(String name, byte[] bytes, After after) {}

    enum After { WAIT_FOR_SERVER_TO_CLOSE, CLOSE, RESET }

    static Abuse abuse(String name) {
        byte[] garbage = new byte[64];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = (byte) (i * 37 + 11);
        }
        byte[] http = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] truncated = Arrays.copyOf(clientHello, clientHello.length / 2);
        return switch (name) {
            case "garbage" -> new Abuse(name, garbage, After.WAIT_FOR_SERVER_TO_CLOSE);
            case "http-request" -> new Abuse(name, http, After.WAIT_FOR_SERVER_TO_CLOSE);
            case "truncated-hello-then-close" -> new Abuse(name, truncated, After.CLOSE);
            case "truncated-hello-then-reset" -> new Abuse(name, truncated, After.RESET);
            case "truncated-hello-then-stall" -> new Abuse(name, truncated, After.WAIT_FOR_SERVER_TO_CLOSE);
            case "silent-stall" -> new Abuse(name, new byte[0], After.WAIT_FOR_SERVER_TO_CLOSE);
            case "connect-then-close" -> new Abuse(name, new byte[0], After.CLOSE);
            case "hello-then-close" -> new Abuse(name, clientHello, After.CLOSE);
            default -> throw new IllegalArgumentException(name);
        };
    }

    /**
     * Sends the abuse to 127.0.0.1:port. With {@link After#WAIT_FOR_SERVER_TO_CLOSE}, returns only
     * once the server has closed the connection (fails if it never does).
     */
    static void commit(Abuse abuse, int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write(abuse.bytes());
            s.getOutputStream().flush();
            switch (abuse.after()) {
                case CLOSE -> { }
                case RESET -> s.setSoLinger(true, 0);
                case WAIT_FOR_SERVER_TO_CLOSE -> {
                    s.setSoTimeout((int) TIMEOUT.toMillis());
                    InputStream in = s.getInputStream();
                    try {
                        while (in.read(new byte[4096]) >= 0) {
                            // the alert, if any
                        }
                    } catch (SocketTimeoutException e) {
                        throw new AssertionError(abuse.name() + ": the server never closed the connection", e);
                    } catch (SocketException reset) {
                        // closed with a reset: closed all the same
                    }
                }
            }
        } catch (IOException e) {
            throw new AssertionError(abuse.name() + ": " + e, e);
        }
    }

    /**
     * The code a Node server's tlsClientError reports for this abuse. The Node server destroys
     * the socket in its listener, as Node's own tests do: Node v20 does not close a connection
     * whose handshake timed out by itself, jtls does (Node's documentation: "abort the connection").
     */
    static String nodeServerCode(Abuse abuse) {
        try (NodePeer node = NodePeer.server(Config.of("key", serverPems.key(), "cert", serverPems.cert(),
                "handshakeTimeout", (int) HANDSHAKE_TIMEOUT.toMillis(), "destroyOnClientError", true))) {
            commit(abuse, node.port());
            return (String) node.await("tlsClientError").get("code");
        }
    }

    /** A jtls echo server recording its tlsClientErrors. */
    static final class EchoServer implements AutoCloseable {
        final TlsServer server;
        final BlockingQueue<Throwable> clientErrors = new LinkedBlockingQueue<>();
        final int port;
        private final List<EchoClient> clients = new ArrayList<>();

        EchoServer() {
            server = Tls.createServer(serverWith(SERVER_EC).handshakeTimeout(HANDSHAKE_TIMEOUT).build(), s -> s.pipe(s));
            server.on(TlsServer.TLS_CLIENT_ERROR, (e, s) -> clientErrors.add(e));
            port = listen(server);
        }

        Throwable nextClientError() {
            try {
                Throwable e = clientErrors.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertNotNull(e, "no tlsClientError within " + TIMEOUT);
                return e;
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }

        /** A new established client (ended when the server closes). */
        EchoClient client() {
            EchoClient c = new EchoClient(port);
            clients.add(c);
            return c;
        }

        /** Ends every client, waits for their close, then closes the server (which waits for its connections). */
        @Override
        public void close() {
            clients.forEach(c -> c.socket.end());
            clients.forEach(c -> await(c.closed));
            JtlsPeer.close(server);
        }
    }

    /** An established jtls client of the echo server; {@link #roundTrip} checks it still echoes. */
    static final class EchoClient {
        final TlsSocket socket;
        final Text text;
        final CompletableFuture<Boolean> closed = new CompletableFuture<>();
        private int n;

        EchoClient(int port) {
            CompletableFuture<Void> secure = new CompletableFuture<>();
            Text[] t = new Text[1];
            socket = JtlsPeer.connect(clientTo(port).build(), s -> {
                t[0] = new Text(s);
                s.on(TlsSocket.SECURE_CONNECT, () -> secure.complete(null));
                s.on(EventEmitter.ERROR, secure::completeExceptionally);
                s.on(io.jtls.net.Duplex.CLOSE, closed::complete);
            });
            text = t[0];
            await(secure);
        }

        void roundTrip() {
            String line = "ping " + (++n) + "\n";
            socket.write(line);
            text.await(line);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"garbage", "http-request", "truncated-hello-then-close", "truncated-hello-then-reset",
            "truncated-hello-then-stall", "silent-stall", "connect-then-close", "hello-then-close"})
    void abusedConnectionGetsNodesErrorAndOthersCarryOn(String name) {
        Abuse abuse = abuse(name);
        String nodeCode = nodeServerCode(abuse);
        try (EchoServer server = new EchoServer()) {
            EchoClient established = server.client();
            established.roundTrip();
            commit(abuse, server.port);
            assertEquals(nodeCode, code(server.nextClientError()), name);
            established.roundTrip();
            server.client().roundTrip(); // still accepting
        }
    }

    /** Many abusers at once, of every kind, while an established connection keeps echoing. */
    @Test
    void manyAbusersAtOnceWhileEchoing() throws Exception {
        List<String> kinds = List.of("garbage", "http-request", "truncated-hello-then-close", "truncated-hello-then-reset",
                "truncated-hello-then-stall", "silent-stall", "connect-then-close", "hello-then-close");
        Map<String, String> nodeCodes = new java.util.HashMap<>();
        for (String kind : kinds) {
            nodeCodes.put(kind, nodeServerCode(abuse(kind)));
        }
        try (EchoServer server = new EchoServer()) {
            EchoClient established = server.client();
            List<Thread> abusers = new ArrayList<>();
            int rounds = 5;
            for (int round = 0; round < rounds; round++) {
                for (String kind : kinds) {
                    abusers.add(Thread.ofVirtual().start(() -> commit(abuse(kind), server.port)));
                }
            }
            while (abusers.stream().anyMatch(Thread::isAlive)) {
                established.roundTrip(); // echoes while the abuse goes on
            }
            for (Thread t : abusers) {
                t.join();
            }
            List<String> codes = new ArrayList<>();
            for (int i = 0; i < rounds * kinds.size(); i++) {
                codes.add(code(server.nextClientError()));
            }
            List<String> expected = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                kinds.forEach(k -> expected.add(nodeCodes.get(k)));
            }
            assertEquals(expected.stream().sorted().toList(), codes.stream().sorted().toList());
            established.roundTrip();
            server.client().roundTrip(); // still accepting
        }
    }

    /** The first record a jtls client sends: its ClientHello. */
    private static byte[] captureClientHello() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Throwable> failed = new CompletableFuture<>();
            JtlsPeer.connect(clientTo(listener.getLocalPort()).build(), s -> s.on(EventEmitter.ERROR, failed::complete));
            try (Socket s = listener.accept()) {
                InputStream in = s.getInputStream();
                byte[] header = in.readNBytes(5);
                byte[] body = in.readNBytes(((header[3] & 0xff) << 8) | (header[4] & 0xff));
                byte[] hello = Arrays.copyOf(header, 5 + body.length);
                System.arraycopy(body, 0, hello, 5, body.length);
                assertEquals(0x16, hello[0], "a handshake record");
                assertEquals(1, hello[5], "a ClientHello");
                return hello;
            } finally {
                await(failed); // the client saw the hang-up
            }
        }
    }
}
