package io.jtls.examples;

import io.jtls.Tls;
import io.jtls.TlsConnectOptions;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.TlsSocket;
import io.jtls.net.Duplex;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The README's first example, compiled: the region between the {@code README} markers is the
 * README's block, character for character ({@code ReadmeSnippetsTest} checks it). Run it in a
 * folder with {@code server-key.pem} and {@code server-cert.pem} ({@link ExampleFiles} makes
 * them); the server keeps the JVM running, as a Node server keeps its process.
 */
public final class ReadmeQuickStart {
    private ReadmeQuickStart() {}

    public static void main(String[] args) {
        // README begin
        TlsServer server = Tls.createServer(TlsServerOptions.builder()
                .key(Path.of("server-key.pem"))
                .cert(Path.of("server-cert.pem"))
                .build(), socket -> {
            socket.write("welcome!\n");
            socket.pipe(socket);
        });
        server.listen(8000, () -> System.out.println("server bound"));

        TlsConnectOptions options = TlsConnectOptions.builder().port(8000).host("localhost")
                .ca(Path.of("server-cert.pem")).build();
        // Listeners go on in the setup callback, before the socket starts: none misses an event.
        Tls.connect(options, client -> {
            client.setEncoding(StandardCharsets.UTF_8);
            client.on(Duplex.TEXT, System.out::print);
            client.once(TlsSocket.SECURE_CONNECT, () -> System.out.println(
                    "client connected " + (client.authorized() ? "authorized" : "unauthorized")));
        }, null);
        // README end
    }
}
