package io.jtls.examples;

import io.jtls.Tls;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The echo server of Node's {@code tls.createServer()} documentation, in Java:
 *
 * <pre>{@code
 * const options = {
 *   key: fs.readFileSync('server-key.pem'),
 *   cert: fs.readFileSync('server-cert.pem'),
 *   requestCert: true,                          // client certificate authentication
 *   ca: [ fs.readFileSync('client-cert.pem') ]  // the client's self-signed certificate
 * };
 * const server = tls.createServer(options, (socket) => {
 *   console.log('server connected', socket.authorized ? 'authorized' : 'unauthorized');
 *   socket.write('welcome!\n');
 *   socket.setEncoding('utf8');
 *   socket.pipe(socket);
 * });
 * server.listen(8000, () => console.log('server bound'));
 * }</pre>
 *
 * Run: {@code java -cp ... io.jtls.examples.EchoServer [port [dir]]} (port 8000, dir {@code .};
 * the PEM files are made there by {@link ExampleFiles} if missing), then {@link EchoClient}.
 */
public final class EchoServer {
    private EchoServer() {}

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8000;
        Path dir = ExampleFiles.ensure(Path.of(args.length > 1 ? args[1] : "."));
        start(port, dir, System.out); // main returns; the listening server keeps the JVM up, as in Node
    }

    /** Starts the server on {@code port} (0: any free port, see {@code server.address()}) with the files in {@code dir}. */
    public static TlsServer start(int port, Path dir, PrintStream console) throws IOException {
        TlsServerOptions options = TlsServerOptions.builder()
                .key(dir.resolve(ExampleFiles.SERVER_KEY))
                .cert(dir.resolve(ExampleFiles.SERVER_CERT))
                // This is necessary only if using client certificate authentication.
                .requestCert(true)
                // This is necessary only if the client uses a self-signed certificate.
                .ca(dir.resolve(ExampleFiles.CLIENT_CERT))
                .build();

        TlsServer server = Tls.createServer(options, socket -> {
            console.println("server connected " + (socket.authorized() ? "authorized" : "unauthorized"));
            socket.write("welcome!\n");
            socket.setEncoding(StandardCharsets.UTF_8);
            socket.pipe(socket);
        });
        server.listen(port, () -> console.println("server bound"));
        return server;
    }
}
