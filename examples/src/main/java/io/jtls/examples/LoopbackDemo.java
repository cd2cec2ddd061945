package io.jtls.examples;

import io.jtls.Tls;
import io.jtls.TlsConnectOptions;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.TlsSocket;
import io.jtls.context.SecureContextOptions;
import io.jtls.error.TlsException;
import io.jtls.internal.openssl.OpenSsl;
import io.jtls.net.Duplex;
import io.jtls.pki.HeldCertificate;
import io.jtls.x509.Certificate;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The main demo (scripts/demo.sh): a jtls server and jtls clients over real sockets on
 * loopback, with everything a TLS deployment usually combines:
 *
 * <ul>
 *   <li><b>Certificates</b> made on the spot with {@link HeldCertificate}: a CA, a server
 *       certificate for each of two host names, a client certificate.</li>
 *   <li><b>SNI</b>: the server's default context is {@code alpha.test}'s;
 *       {@code server.addContext("beta.test", ...)} serves the other name. Each client sends
 *       its name with {@code servername} and checks the certificate it gets against it.</li>
 *   <li><b>Mutual authentication</b>: {@code requestCert} with the CA as {@code ca} on the
 *       server; {@code key}/{@code cert} on the clients. The last client has no certificate
 *       and is turned away ({@code rejectUnauthorized}, the default). With TLS 1.3 that client
 *       completes its side of the handshake first and then receives the server's
 *       {@code certificate_required} alert, exactly as a Node client does.</li>
 *   <li><b>ALPN</b>: the server prefers {@code h2}, then {@code http/1.1}; the clients offer
 *       different lists.</li>
 * </ul>
 * Each side prints what it sees: protocol, cipher, ALPN, server name, {@code authorized},
 * peer certificate. Then the client says hello and the server answers.
 */
public final class LoopbackDemo {
    private static final String CA_NAME = "jtls demo CA";

    private final PrintStream out;
    private final HeldCertificate ca = HeldCertificate.builder().commonName(CA_NAME).certificateAuthority(0).build();
    private final HeldCertificate alpha = serverCertificate("alpha.test");
    private final HeldCertificate beta = serverCertificate("beta.test");
    private final HeldCertificate client = HeldCertificate.builder().commonName("demo client")
            .organization("jtls").extendedKeyUsage("clientAuth").signedBy(ca).build();

    private LoopbackDemo(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /** Runs the whole demo, printing to {@code out}; throws if any step does not go as described. */
    public static void run(PrintStream out) throws Exception {
        new LoopbackDemo(out).demo();
    }

    private HeldCertificate serverCertificate(String name) {
        return HeldCertificate.builder().commonName(name).addSubjectAltName(name)
                .extendedKeyUsage("serverAuth").signedBy(ca).build();
    }

    private void demo() throws Exception {
        out.println("OpenSSL: " + OpenSsl.versionText());
        TlsServerOptions options = TlsServerOptions.builder()
                .key(alpha.privateKeyPem()).cert(alpha.certificatePem())
                .ca(ca.certificatePem())
                .requestCert(true)                   // mutual TLS: clients must show a certificate...
                .rejectUnauthorized(true)            // ...that the CA signed
                .alpnProtocols("h2", "http/1.1")
                .build();
        TlsServer server = Tls.createServer(options, this::serve);
        server.addContext("beta.test", SecureContextOptions.builder()
                .key(beta.privateKeyPem()).cert(beta.certificatePem()).ca(ca.certificatePem()).build());
        server.on(TlsServer.TLS_CLIENT_ERROR, (error, socket) ->
                out.println("[server] refused a client: " + describe(error)));

        CompletableFuture<Integer> listening = new CompletableFuture<>();
        server.on(TlsServer.ERROR, listening::completeExceptionally);
        server.listen(0, "127.0.0.1", () -> listening.complete(server.address().port()));
        int port = listening.get(10, TimeUnit.SECONDS);
        out.println("[server] listening on 127.0.0.1:" + port + " for alpha.test (default) and beta.test (addContext)");
        try {
            connect(port, "alpha.test", List.of("http/1.1"), true);
            connect(port, "beta.test", List.of("h2", "http/1.1"), true);
            connect(port, "alpha.test", List.of("h2"), false);
        } finally {
            CompletableFuture<Void> closed = new CompletableFuture<>();
            server.close(error -> closed.complete(null));
            closed.get(10, TimeUnit.SECONDS);
        }
        out.println("done");
    }

    /** The server's 'secureConnection' listener. */
    private void serve(TlsSocket socket) {
        Certificate peer = socket.getPeerCertificate();
        out.println("[server] secure connection: " + socket.getProtocol() + " " + socket.getCipher().name()
                + ", ALPN " + socket.alpnProtocol() + ", servername " + socket.servername()
                + ", authorized " + socket.authorized() + ", client " + (peer == null ? "(none)" : peer.subject()));
        socket.on(Duplex.ERROR, error -> out.println("[server] error: " + describe(error)));
        socket.on(Duplex.DATA, data -> {
            String text = StandardCharsets.UTF_8.decode(data).toString();
            out.println("[server] received \"" + text + "\"");
            socket.end("hello from " + socket.servername());
        });
    }

    /** One client connection; returns once it has closed. */
    private void connect(int port, String servername, List<String> alpn, boolean withCertificate) throws Exception {
        out.println();
        out.println("[client] connecting to " + servername + " offering ALPN " + alpn
                + (withCertificate ? " with" : " without") + " a client certificate");
        TlsConnectOptions.Builder options = TlsConnectOptions.builder()
                .host("127.0.0.1").port(port).servername(servername)
                .ca(ca.certificatePem())
                .alpnProtocols(alpn);
        if (withCertificate) {
            options.key(client.privateKeyPem()).cert(client.certificatePem());
        }
        CompletableFuture<Void> closed = new CompletableFuture<>();
        StringBuilder reply = new StringBuilder();
        Tls.connect(options.build(), socket -> {
            socket.on(TlsSocket.SECURE_CONNECT, () -> {
                Certificate peer = socket.getPeerCertificate();
                out.println("[client] secure: " + socket.getProtocol() + " " + socket.getCipher().name()
                        + ", ALPN " + socket.alpnProtocol() + ", authorized " + socket.authorized()
                        + ", server " + peer.subject() + " issued by " + peer.issuer());
                socket.write("hello from the client");
            });
            socket.on(Duplex.DATA, data -> reply.append(StandardCharsets.UTF_8.decode(data)));
            socket.on(Duplex.END, () -> out.println("[client] received \"" + reply + "\""));
            socket.on(Duplex.ERROR, error -> out.println("[client] error: " + describe(error)));
            socket.on(Duplex.CLOSE, hadError -> closed.complete(null));
        }, null);
        closed.get(10, TimeUnit.SECONDS);
    }

    private static String describe(Throwable error) {
        return error instanceof TlsException t ? t.code() + " (" + t.getMessage() + ")" : error.toString();
    }
}
