package io.jtls.cli;

import io.jtls.Tls;
import io.jtls.TlsConnectOptions;
import io.jtls.TlsSocket;
import io.jtls.blocking.BlockingStreams;
import io.jtls.blocking.TlsIOException;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jtls connect}: {@code openssl s_client} done the Node way. Each connection is Node's
 * {@code tls.connect}; the session for the next one comes from Node's {@code 'session'} event,
 * which is how TLS 1.3 resumes (OpenSSL 3.0's own {@code s_client -reconnect} cannot: it reuses
 * the handshake's session, which TLS 1.3 does not make resumable). The last connection relays
 * stdin to the server and the server's data to stdout.
 */
@Command(name = "connect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"A TLS client (s_client the Node way), resuming TLS 1.2 and 1.3 sessions.",
                "%nPrints what each connection negotiated (New or Reused, protocol, cipher, ALPN, SNI, authorized), "
                + "then relays stdin to the server and the server's data to stdout until the server closes "
                + "(stdin's end half-closes the connection)."})
final class ConnectCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--host", paramLabel = "HOST", defaultValue = "localhost", description = "Server (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "443", description = "Server port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--servername", paramLabel = "NAME",
            description = "SNI name to send and check the certificate against (Node's servername; default: --host unless an IP address; \"\" sends none).")
    String servername;

    @Mixin
    TlsFlags tls;

    @Option(names = {"-k", "--insecure"}, description = "Do not verify the server (Node's rejectUnauthorized: false).")
    boolean insecure;

    @Option(names = "--reconnect", paramLabel = "N", defaultValue = "0",
            description = "N further connections, each offering the previous one's session.")
    int reconnect;

    @Option(names = "--session-in", paramLabel = "FILE", description = "Offer this session (PEM \"SSL SESSION PARAMETERS\", as s_client -sess_out writes, or DER).")
    Path sessionIn;

    @Option(names = "--session-out", paramLabel = "FILE", description = "Write the last connection's session here (PEM; openssl s_client -sess_in reads it).")
    Path sessionOut;

    @Option(names = "--showcerts", description = "Print the server's chain as Node's certificate objects (getPeerCertificate(true)).")
    boolean showCerts;

    @Option(names = "--json", description = "One JSON object per connection instead of the text lines.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "Only the server's data on stdout (no connection lines).")
    boolean quiet;

    @Option(names = "--no-stdin", description = "Send nothing: end the last connection once it is secure (and its session arrived).")
    boolean noStdin;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Give up a handshake, or the wait for a TLS 1.3 session, after this long (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        if (reconnect < 0) throw new UsageException("--reconnect must be 0 or more");
        TlsConnectOptions.Builder builder = tls.applyTo(TlsConnectOptions.builder())
                .host(host).port(port).rejectUnauthorized(!insecure).allowHalfOpen(true);
        // As s_client and curl (and Node's https), a host name is sent as SNI unless told otherwise;
        // Node's tls.connect alone would send none. An IP address is never a server name (RFC 6066).
        String sni = servername != null ? servername : isIpLiteral(host) ? null : host;
        if (sni != null && !sni.isEmpty()) builder.servername(sni);
        if (tls.alpn != null) builder.alpnProtocols(tls.alpn);
        if (tls.cert != null ^ tls.key != null) throw new UsageException("--cert and --key go together");
        TlsConnectOptions options = builder.build();
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        byte[] session = sessionIn == null ? null : SessionFile.read(sessionIn);
        for (int i = 0; i <= reconnect; i++) {
            boolean last = i == reconnect;
            Connection c = open(options.toBuilder().session(session).build(), timeout);
            report(i, c.socket);
            if (last && !noStdin) {
                relay(c.view);
            }
            byte[] next = c.awaitSession(timeout, session);
            if (!last || noStdin) c.endGracefully(timeout);
            c.view.close();
            if (next != null) session = next;
            if (last && sessionOut != null) {
                if (session == null) throw new UsageException("no session to write: the server sent none");
                SessionFile.write(sessionOut, session);
            }
        }
        return 0;
    }

    /** One connection: its blocking view and the sessions Node's {@code 'session'} event brought. */
    private record Connection(TlsSocket socket, BlockingStreams<TlsSocket> view, AtomicReference<byte[]> latest,
                              CompletableFuture<byte[]> first, CompletableFuture<Void> closed) {
        /**
         * Ends our side (close_notify, then FIN) and waits for the server to close, as a client
         * that is done should: closing at once could reset the connection while the server is
         * still finishing its side of the handshake (TLS 1.3 servers complete after the
         * client's Finished) or sending tickets, and the server would log a failed handshake.
         */
        void endGracefully(Duration timeout) throws InterruptedException {
            try {
                view.output().close();
                closed.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (IOException | ExecutionException | TimeoutException e) {
                // the server did not close in time (or the connection already failed): close it here
            }
        }

        /**
         * The session to offer next: TLS 1.3's arrive after the handshake (a round trip of data or
         * waiting brings them); TLS 1.2's came with it. A resumed TLS 1.3 handshake usually brings
         * none (OpenSSL servers, Node's among them, send no ticket after a resumption): the one
         * offered stays good. Null when the server sent none in time.
         */
        byte[] awaitSession(Duration timeout, byte[] offered) throws InterruptedException {
            if (latest.get() != null) return latest.get();
            if (socket.isSessionReused() && offered != null) return offered;
            if (!"TLSv1.3".equals(socket.getProtocol())) {
                // Up to TLS 1.2 the handshake's session is the resumable one; a resumed
                // handshake brings no new 'session' event unless the server renews its ticket.
                return socket.getSession();
            }
            try {
                return first.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                return socket.getSession();
            }
        }
    }

    private static Connection open(TlsConnectOptions options, Duration timeout) throws IOException, InterruptedException {
        CompletableFuture<Void> secure = new CompletableFuture<>();
        CompletableFuture<byte[]> first = new CompletableFuture<>();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        AtomicReference<byte[]> latest = new AtomicReference<>();
        AtomicReference<BlockingStreams<TlsSocket>> view = new AtomicReference<>();
        TlsSocket socket = Tls.connect(options, s -> {
            // Before the socket starts, so that no event is missed.
            view.set(BlockingStreams.of(s));
            s.on(TlsSocket.SESSION, bytes -> {
                latest.set(bytes);
                first.complete(bytes);
            });
            s.once(EventEmitter.ERROR, secure::completeExceptionally);
            s.once(Duplex.CLOSE, hadError -> {
                closed.complete(null);
                secure.completeExceptionally(new TlsIOException("connection closed before it was secure", null));
                first.completeExceptionally(new IOException("closed"));
            });
        }, () -> secure.complete(null));
        try {
            secure.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            socket.destroy();
            throw new TlsIOException("not secure within " + timeout.toSeconds() + " s", null);
        } catch (ExecutionException e) {
            socket.destroy();
            throw e.getCause() instanceof TlsIOException t ? t : new TlsIOException(e.getCause().getMessage(), e.getCause());
        }
        return new Connection(socket, view.get(), latest, first, closed);
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.matches("[0-9.]+");
    }

    private void report(int index, TlsSocket socket) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("connection", index);
            m.putAll(ConnectionReport.json(socket, showCerts));
            Output.line(Json.write(m));
        } else if (!quiet) {
            Output.line((socket.isSessionReused() ? "Reused " : "New ") + ConnectionReport.line(socket));
            if (showCerts) {
                var peer = socket.getPeerCertificate(true);
                Output.line(Json.pretty(peer == null ? java.util.List.of() : CertificateJson.chain(peer)));
            }
        }
    }

    /**
     * stdin to the server on a thread of its own (its end half-closes the connection), the
     * server's data to stdout here, until the server ends.
     */
    private static void relay(BlockingStreams<TlsSocket> view) throws IOException {
        Thread.ofPlatform().daemon().name("jtls-stdin").start(() -> {
            try (OutputStream out = view.output()) {
                InputStream in = System.in;
                byte[] buffer = new byte[16 * 1024];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // the connection ended first: nothing more to send
            }
        });
        InputStream in = view.input();
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            Output.data(buffer, n);
        }
    }
}
