package io.jtls.examples;

import io.jtls.TlsConnectOptions;
import io.jtls.TlsServerOptions;
import io.jtls.TlsSocket;
import io.jtls.blocking.BlockingStreams;
import io.jtls.blocking.BlockingTls;
import io.jtls.blocking.BlockingTlsServer;
import io.jtls.blocking.TlsIOException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The README's blocking-streams blocks, compiled ({@code ReadmeSnippetsTest} checks the README
 * holds the regions between the markers character for character).
 */
public final class ReadmeBlocking {
    private ReadmeBlocking() {}

    static void server() throws IOException, InterruptedException {
        // README begin blocking server
        TlsServerOptions options = TlsServerOptions.builder()
                .cert(Files.readString(Path.of("server-cert.pem")))
                .key(Files.readString(Path.of("server-key.pem")))
                .build();
        try (BlockingTlsServer server = new BlockingTlsServer(options).listen(8443, null)) {
            Thread acceptor = server.serve(connection -> {       // one virtual thread per connection
                connection.input().transferTo(connection.output()); // echo until the client ends
            });                                                  // returning closes the connection
            acceptor.join();                                     // until server.close()
        }
        // README end
    }

    static void client() throws IOException {
        // README begin blocking client
        TlsConnectOptions options = TlsConnectOptions.builder().host("example.com").port(443)
                .servername("example.com").build();
        try (BlockingStreams<TlsSocket> c = BlockingTls.connect(options, Duration.ofSeconds(10))) {
            c.output().write("GET / HTTP/1.0\r\nHost: example.com\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            System.out.println(new String(c.input().readAllBytes(), StandardCharsets.UTF_8));
        } catch (TlsIOException e) {
            System.err.println("failed: " + e.code() + " " + e.getMessage()); // e.getCause(): Node's error
        }
        // README end
    }
}
