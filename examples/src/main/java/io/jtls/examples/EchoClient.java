package io.jtls.examples;

import io.jtls.Tls;
import io.jtls.TlsConnectOptions;
import io.jtls.TlsSocket;
import io.jtls.net.Duplex;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * The client of Node's {@code tls.connect()} documentation, for {@link EchoServer}, in Java:
 *
 * <pre>{@code
 * const options = {
 *   key: fs.readFileSync('client-key.pem'),      // only if the server requires client certificates
 *   cert: fs.readFileSync('client-cert.pem'),
 *   ca: [ fs.readFileSync('server-cert.pem') ],  // only if the server's certificate is self-signed
 *   checkServerIdentity: () => { return null; }, // only if the server's certificate isn't for "localhost"
 * };
 * const socket = tls.connect(8000, options, () => {
 *   console.log('client connected', socket.authorized ? 'authorized' : 'unauthorized');
 *   process.stdin.pipe(socket);
 *   process.stdin.resume();
 * });
 * socket.setEncoding('utf8');
 * socket.on('data', (data) => console.log(data));
 * socket.on('end', () => console.log('server ends connection'));
 * }</pre>
 *
 * Run: {@code java -cp ... io.jtls.examples.EchoClient [port [dir]]}, type lines, end with Ctrl-D:
 * standard input is piped to the socket, with backpressure, and ended at its end.
 */
public final class EchoClient {
    private EchoClient() {}

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8000;
        Path dir = ExampleFiles.ensure(Path.of(args.length > 1 ? args[1] : "."));
        // main returns; the open socket keeps the JVM up until it closes, as in Node.
        run(port, dir, System.in, System.out).exceptionally(error -> {
            System.err.println("client failed: " + error);
            return null;
        });
    }

    /**
     * Connects to {@code localhost:port} with the files in {@code dir}, pipes {@code input} to
     * the server and prints what comes back on {@code console}. Completes when the socket has
     * closed (exceptionally if it failed).
     */
    public static CompletableFuture<Void> run(int port, Path dir, InputStream input, PrintStream console) throws IOException {
        TlsConnectOptions options = TlsConnectOptions.builder()
                .port(port).host("localhost")
                // Necessary only if the server requires client certificate authentication.
                .key(dir.resolve(ExampleFiles.CLIENT_KEY))
                .cert(dir.resolve(ExampleFiles.CLIENT_CERT))
                // Necessary only if the server uses a self-signed certificate.
                .ca(dir.resolve(ExampleFiles.SERVER_CERT))
                // Necessary only if the server's cert isn't for "localhost".
                .checkServerIdentity((hostname, cert) -> null)
                .build();

        CompletableFuture<Void> closed = new CompletableFuture<>();
        // The listeners go on in the setup callback, before the socket starts: on another thread
        // than the event loop, that is how no early event is missed.
        Tls.connect(options, socket -> {
            socket.on(TlsSocket.SECURE_CONNECT, () -> {
                console.println("client connected " + (socket.authorized() ? "authorized" : "unauthorized"));
                pipe(input, socket); // process.stdin.pipe(socket)
            });
            socket.setEncoding(StandardCharsets.UTF_8);
            socket.on(Duplex.TEXT, console::println);
            socket.on(Duplex.END, () -> console.println("server ends connection"));
            socket.on(Duplex.ERROR, closed::completeExceptionally);
            socket.on(Duplex.CLOSE, hadError -> closed.complete(null));
        }, null);
        return closed;
    }

    /**
     * {@code input.pipe(socket)} for a blocking {@link InputStream}: a virtual thread reads it,
     * writes each chunk (waiting for {@code 'drain'} when {@code write} returns false) and ends
     * the socket at end of input.
     */
    static void pipe(InputStream input, Duplex socket) {
        Semaphore drained = new Semaphore(0);
        socket.on(Duplex.DRAIN, drained::release);
        Thread.ofVirtual().name("stdin-pipe").start(() -> {
            byte[] buffer = new byte[16 * 1024];
            try {
                int n;
                while ((n = input.read(buffer)) >= 0) {
                    if (n > 0 && !socket.write(Arrays.copyOf(buffer, n))) {
                        drained.acquire();
                    }
                }
                socket.end();
            } catch (IOException e) {
                socket.destroy(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                socket.destroy(e);
            }
        });
    }
}
