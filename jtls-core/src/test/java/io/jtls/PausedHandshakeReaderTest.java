package io.jtls;

import static io.jtls.TlsTesting.SERVER_EC;
import static io.jtls.TlsTesting.await;
import static io.jtls.TlsTesting.clientTo;
import static io.jtls.TlsTesting.listen;
import static io.jtls.TlsTesting.serverWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jtls.error.TlsException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * Ciphertext taken before the handshake completes is bounded: a peer cannot stream into the
 * engine's memory while the handshake waits (for the application, or for a message that never
 * ends); and an asynchronous callback that answers late still completes the handshake.
 */
class PausedHandshakeReaderTest {
    @Test
    void aHandshakeMessageThatNeverEndsFailsAtTheInputLimit() throws Exception {
        CompletableFuture<Throwable> clientError = new CompletableFuture<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build());
        server.on(TlsServer.TLS_CLIENT_ERROR, (error, socket) -> clientError.complete(error));
        try (TlsTesting.Closing closing = TlsTesting.closing(server);
             java.net.Socket peer = new java.net.Socket(InetAddress.getLoopbackAddress(), listen(server))) {
            // A ClientHello announcing 126,976 bytes (under OpenSSL's limit for the message, so it
            // waits for all of it), then records of zeros: 96 KiB sent, the message never complete.
            OutputStream out = peer.getOutputStream();
            int records = 6;
            for (int i = 0; i < records; i++) {
                byte[] record = new byte[5 + 16384];
                record[0] = 22; // handshake
                record[1] = 3;
                record[2] = 1;
                record[3] = (byte) (16384 >> 8);
                record[4] = (byte) (16384 & 0xFF);
                if (i == 0) {
                    record[5] = 1; // client_hello
                    record[6] = 0x01;
                    record[7] = (byte) 0xF0;
                    record[8] = 0x00;
                }
                try {
                    out.write(record);
                } catch (java.io.IOException closedByTheServer) {
                    break; // the server gave up at the limit while the rest was on its way
                }
            }
            Throwable error = await(clientError);
            assertEquals("ERR_TLS_HANDSHAKE_INPUT_LIMIT", ((TlsException) error).code(), String.valueOf(error));
        }
    }

    @Test
    void anSniCallbackThatAnswersLateStillCompletesTheHandshake() throws Exception {
        CompletableFuture<BiConsumer<Throwable, SecureContext>> asked = new CompletableFuture<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).sniCallback((name, callback) -> asked.complete(callback))
                .build(), socket -> socket.end("hello"));
        try (TlsTesting.Closing closing = TlsTesting.closing(server)) {
            int port = listen(server);
            CompletableFuture<String> received = new CompletableFuture<>();
            Tls.connect(clientTo(port).build(), socket -> {
                StringBuilder text = new StringBuilder();
                socket.setEncoding(java.nio.charset.StandardCharsets.UTF_8);
                socket.on(TlsSocket.TEXT, text::append);
                socket.on(TlsSocket.END, () -> received.complete(text.toString()));
                socket.on(TlsSocket.ERROR, received::completeExceptionally);
            }, null);
            // The handshake waits (its reader paused) until the callback answers, from another thread.
            BiConsumer<Throwable, SecureContext> callback = await(asked);
            new Thread(() -> callback.accept(null, null)).start();
            assertEquals("hello", await(received));
        }
    }
}
