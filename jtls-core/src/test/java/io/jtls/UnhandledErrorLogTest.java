package io.jtls;

import static io.jtls.TlsTesting.SERVER_EC;
import static io.jtls.TlsTesting.await;
import static io.jtls.TlsTesting.clientTo;
import static io.jtls.TlsTesting.listen;
import static io.jtls.TlsTesting.serverWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.net.Socket;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * An {@code 'error'} nobody listens to on a server's socket (an ordinary client that resets the
 * connection) is one log line with the code and the peer's address, at a level an operator
 * can live with: no SEVERE, no stack trace.
 */
class UnhandledErrorLogTest {
    @Test
    void aPeerResetOnAServerSocketIsOneDebugLineWithCodeAndPeer() throws Exception {
        // System.Logger's default backend is JUL; the module does not read java.logging, so the
        // test reaches it reflectively (core reflection needs no readability).
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        Jul jul = new Jul("io.jtls.net", captured);
        int localPort;
        CompletableFuture<TlsSocket> serverSocket = new CompletableFuture<>();
        CompletableFuture<Boolean> serverClosed = new CompletableFuture<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), socket -> {
            socket.on(TlsSocket.DATA, data -> {}); // no 'error' listener: the error is unhandled
            socket.on(TlsSocket.CLOSE, serverClosed::complete);
            serverSocket.complete(socket);
        });
        try (TlsTesting.Closing closing = TlsTesting.closing(server)) {
            int port = listen(server);
            CompletableFuture<Integer> clientPort = new CompletableFuture<>();
            TlsSocket client = Tls.connect(clientTo(port).build(), socket -> {
                socket.on(TlsSocket.ERROR, e -> {});
                socket.once(TlsSocket.SECURE_CONNECT, () -> clientPort.complete(socket.localPort()));
            }, null);
            localPort = await(clientPort);
            await(serverSocket);
            ((Socket) client.transport()).resetAndDestroy(); // the server reads ECONNRESET
            assertTrue(await(serverClosed), "the server socket closed with an error");
        } finally {
            jul.close();
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        List<String> lines = log.lines().filter(l -> l.contains("Unhandled 'error'")).toList();
        assertEquals(1, lines.size(), log);
        // SimpleFormatter: "LEVEL: message"; DEBUG is JUL's FINE.
        assertEquals("FINE: Unhandled 'error' event on TlsSocket[server, peer 127.0.0.1:" + localPort + "]: ECONNRESET",
                lines.getFirst().substring(0, lines.getFirst().indexOf("ECONNRESET") + "ECONNRESET".length()), log);
        assertTrue(!log.contains("\tat "), "no stack trace: " + log);
        assertTrue(!log.contains("SEVERE"), log);
    }

    /** A JUL logger at ALL with a handler writing to {@code out}, through reflection. */
    static final class Jul implements AutoCloseable { // also LifecycleTest's
        private final Object logger;
        private final Object handler;
        private final Object previousLevel;

        Jul(String name, OutputStream out) throws ReflectiveOperationException {
            Class<?> loggerClass = Class.forName("java.util.logging.Logger");
            Class<?> levelClass = Class.forName("java.util.logging.Level");
            Class<?> handlerClass = Class.forName("java.util.logging.Handler");
            Class<?> formatterClass = Class.forName("java.util.logging.Formatter");
            Object all = levelClass.getField("ALL").get(null);
            logger = loggerClass.getMethod("getLogger", String.class).invoke(null, name);
            previousLevel = loggerClass.getMethod("getLevel").invoke(logger);
            Object formatter = Class.forName("java.util.logging.SimpleFormatter").getConstructor().newInstance();
            handler = Class.forName("java.util.logging.StreamHandler")
                    .getConstructor(OutputStream.class, formatterClass).newInstance(out, formatter);
            handlerClass.getMethod("setLevel", levelClass).invoke(handler, all);
            loggerClass.getMethod("setLevel", levelClass).invoke(logger, all);
            loggerClass.getMethod("addHandler", handlerClass).invoke(logger, handler);
        }

        @Override
        public void close() throws ReflectiveOperationException {
            Class<?> loggerClass = logger.getClass();
            Class<?> handlerClass = Class.forName("java.util.logging.Handler");
            handlerClass.getMethod("flush").invoke(handler);
            loggerClass.getMethod("removeHandler", handlerClass).invoke(logger, handler);
            loggerClass.getMethod("setLevel", Class.forName("java.util.logging.Level")).invoke(logger, previousLevel);
        }
    }
}
