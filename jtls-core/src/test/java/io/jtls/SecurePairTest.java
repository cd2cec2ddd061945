package io.jtls;

import static io.jtls.TlsTesting.CLIENT;
import static io.jtls.TlsTesting.ROOT;
import static io.jtls.TlsTesting.SERVER_EC;
import static io.jtls.TlsTesting.await;
import static io.jtls.TlsTesting.eventually;
import static io.jtls.TlsTesting.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.context.SecureContextOptions;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import io.jtls.net.Net;
import io.jtls.net.Socket;
import io.jtls.support.NativeLeakCheck;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Node's deprecated {@code tls.createSecurePair}: a TLS socket over an in-memory pair. */
@SuppressWarnings("deprecation")
class SecurePairTest {
    /**
     * What jtls's warnings logger ({@code io.jtls.tls}, through {@link System.Logger} onto
     * java.util.logging) printed since before this class made its first pair. Reflection: the
     * test classes are compiled into the io.jtls module, which does not read java.logging.
     */
    private static final ByteArrayOutputStream LOGGED = new ByteArrayOutputStream();
    private static final Object TLS_LOG; // held: java.util.logging keeps loggers weakly
    private static final Object HANDLER;
    static {
        try {
            Class<?> logger = Class.forName("java.util.logging.Logger");
            Class<?> handler = Class.forName("java.util.logging.Handler");
            Class<?> formatter = Class.forName("java.util.logging.Formatter");
            TLS_LOG = logger.getMethod("getLogger", String.class).invoke(null, "io.jtls.tls");
            Object simple = Class.forName("java.util.logging.SimpleFormatter").getConstructor().newInstance();
            HANDLER = Class.forName("java.util.logging.StreamHandler")
                    .getConstructor(OutputStream.class, formatter).newInstance(LOGGED, simple);
            logger.getMethod("addHandler", handler).invoke(TLS_LOG, HANDLER);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static String logged() throws ReflectiveOperationException {
        HANDLER.getClass().getMethod("flush").invoke(HANDLER);
        synchronized (LOGGED) {
            return LOGGED.toString(StandardCharsets.UTF_8);
        }
    }

    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    private static SecureContext serverContext() {
        return Tls.createSecureContext(SecureContextOptions.builder()
                .cert(SERVER_EC.chainPem()).key(SERVER_EC.privateKeyPem()).ca(ROOT.certificatePem()).build());
    }

    private static SecureContext clientContext() {
        return Tls.createSecureContext(SecureContextOptions.builder()
                .cert(CLIENT.certificatePem()).key(CLIENT.privateKeyPem()).ca(ROOT.certificatePem()).build());
    }

    private static CompletableFuture<String> firstText(Duplex stream) {
        CompletableFuture<String> text = new CompletableFuture<>();
        stream.on(Duplex.DATA, buffer -> text.complete(utf8(buffer)));
        return text;
    }

    /**
     * {@code source.pipe(destination)} on the source's loop: piped from another thread, the
     * flow could start (and deliver the first chunk) before the pipe's own 'data' listener is in.
     */
    private static void pipeOnLoop(Duplex source, Duplex destination) {
        CompletableFuture<Void> piped = new CompletableFuture<>();
        source.loop().execute(() -> {
            source.pipe(destination);
            piped.complete(null);
        });
        await(piped);
    }

    private static CompletableFuture<Boolean> closed(Duplex stream) {
        CompletableFuture<Boolean> closed = new CompletableFuture<>();
        stream.once(Duplex.CLOSE, closed::complete);
        return closed;
    }

    @Test
    void twoPairsWiredTogetherHandshakeAndCarryDataBothWays() {
        try (SecureContext serverContext = serverContext(); SecureContext clientContext = clientContext()) {
            SecurePair server = Tls.createSecurePair(serverContext, true, true, false);
            SecurePair client = Tls.createSecurePair(clientContext, false);
            assertTrue(server.cleartext().isServer());
            assertFalse(client.cleartext().isServer());
            assertTrue(server.credentials() == serverContext);

            CompletableFuture<Void> serverSecure = new CompletableFuture<>();
            CompletableFuture<Void> clientSecure = new CompletableFuture<>();
            server.on(SecurePair.SECURE, () -> serverSecure.complete(null));
            client.on(SecurePair.SECURE, () -> clientSecure.complete(null));
            CompletableFuture<String> atServer = firstText(server.cleartext());
            CompletableFuture<String> atClient = firstText(client.cleartext());
            CompletableFuture<Boolean> serverClosed = closed(server.cleartext());
            CompletableFuture<Boolean> clientClosed = closed(client.cleartext());
            CompletableFuture<Boolean> serverEncryptedClosed = closed(server.encrypted());
            CompletableFuture<Boolean> clientEncryptedClosed = closed(client.encrypted());

            pipeOnLoop(client.encrypted(), server.encrypted());
            pipeOnLoop(server.encrypted(), client.encrypted());
            await(serverSecure);
            await(clientSecure);

            // The server asked for the client's certificate and verified it against its CA.
            assertTrue(server.cleartext().authorized(), server.cleartext().authorizationError());
            assertEquals("tls client", server.cleartext().getPeerCertificate().subject().get("CN"));
            assertTrue(client.cleartext().authorized(), client.cleartext().authorizationError());
            assertEquals("localhost", client.cleartext().getPeerCertificate().subject().get("CN"));

            client.cleartext().write("ping");
            assertEquals("ping", await(atServer));
            server.cleartext().write("pong");
            assertEquals("pong", await(atClient));

            // Each encrypted side has passed on the TLS records of its side, handshake included.
            assertTrue(client.encrypted().bytesWritten() > "ping".length() + 100, "" + client.encrypted().bytesWritten());
            assertTrue(server.encrypted().bytesWritten() > "pong".length() + 100, "" + server.encrypted().bytesWritten());

            server.cleartext().on(Duplex.END, () -> server.cleartext().end()); // half-open: answers the end
            client.cleartext().end();
            assertFalse(await(clientClosed));
            assertFalse(await(serverClosed));
            assertFalse(await(clientEncryptedClosed));
            assertFalse(await(serverEncryptedClosed));
        }
    }

    @Test
    void aServerPairRejectsAClientWithoutACertificateWhenAskedTo() {
        try (SecureContext serverContext = serverContext()) {
            SecurePair server = Tls.createSecurePair(serverContext, true, true, true);
            SecurePair client = Tls.createSecurePair(Tls.createSecureContext(
                    SecureContextOptions.builder().ca(ROOT.certificatePem()).build()));
            CompletableFuture<Throwable> serverError = new CompletableFuture<>();
            server.cleartext().on(EventEmitter.ERROR, serverError::complete);
            client.cleartext().on(EventEmitter.ERROR, e -> {});
            CompletableFuture<Boolean> serverClosed = closed(server.cleartext());
            CompletableFuture<Boolean> clientClosed = closed(client.cleartext());
            pipeOnLoop(client.encrypted(), server.encrypted());
            pipeOnLoop(server.encrypted(), client.encrypted());
            assertTrue(await(serverClosed));
            assertEquals(TlsTesting.code(await(serverError)), "ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE");
            await(clientClosed);
            client.credentials().close();
        }
    }

    @Test
    void createSecurePairWarnsDep0064Once() throws ReflectiveOperationException {
        SecurePair first = Tls.createSecurePair();
        SecurePair second = Tls.createSecurePair();
        String expected = "[DEP0064] tls.createSecurePair() is deprecated. Please use tls.TLSSocket instead.";
        List<String> lines = logged().lines().filter(line -> line.contains("DEP0064")).toList();
        assertEquals(1, lines.size(), "" + lines);
        assertTrue(lines.get(0).endsWith(expected), lines.get(0));
        // Nothing was wired: destroying the cleartext side frees the engine and ends the
        // encrypted side's input after the ClientHello that waited in it.
        for (SecurePair pair : List.of(first, second)) {
            CompletableFuture<Boolean> cleartextClosed = closed(pair.cleartext());
            CompletableFuture<Void> ended = new CompletableFuture<>();
            StringBuilder records = new StringBuilder();
            pair.encrypted().on(Duplex.DATA, buffer -> records.append(buffer.get(0)).append(' '));
            pair.encrypted().on(Duplex.END, () -> ended.complete(null));
            CompletableFuture<Boolean> encryptedClosed = closed(pair.encrypted());
            pair.cleartext().destroy();
            assertFalse(await(cleartextClosed));
            await(ended);
            assertEquals("22 ", records.toString()); // one handshake record: the ClientHello
            pair.encrypted().end(); // half-open, as a Node Duplex: it closes once it ends too
            assertFalse(await(encryptedClosed));
        }
    }

    @Test
    void anEncryptedSidePipedToASocketTalksToATlsServer() {
        TlsServer server = Tls.createServer(TlsTesting.serverWith(SERVER_EC).build(), TlsTesting.echo());
        try (TlsTesting.Closing closing = TlsTesting.closing(server); SecureContext context = Tls.createSecureContext(
                SecureContextOptions.builder().ca(ROOT.certificatePem()).build())) {
            int port = TlsTesting.listen(server);
            CompletableFuture<Void> connected = new CompletableFuture<>();
            Socket socket = Net.connect(port, "127.0.0.1", () -> connected.complete(null));
            await(connected);
            SecurePair pair = Tls.createSecurePair(context);
            CompletableFuture<Void> secure = new CompletableFuture<>();
            pair.on(SecurePair.SECURE, () -> secure.complete(null));
            StringBuilder echoed = new StringBuilder();
            pair.cleartext().on(Duplex.DATA, buffer -> echoed.append(utf8(buffer)));
            CompletableFuture<Boolean> cleartextClosed = closed(pair.cleartext());
            CompletableFuture<Boolean> socketClosed = closed(socket);

            pipeOnLoop(socket, pair.encrypted());
            pipeOnLoop(pair.encrypted(), socket);
            await(secure);
            assertTrue(pair.cleartext().authorized(), pair.cleartext().authorizationError());
            assertEquals("TLSv1.3", pair.cleartext().getProtocol());

            pair.cleartext().end("hello through a secure pair");
            assertFalse(await(cleartextClosed));
            assertFalse(await(socketClosed));
            assertEquals("hello through a secure pair", echoed.toString());
            assertEquals(socket.bytesWritten(), pair.encrypted().bytesWritten());
        }
    }
}
