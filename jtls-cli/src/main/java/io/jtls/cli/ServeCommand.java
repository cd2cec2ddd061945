package io.jtls.cli;

import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.TlsSocket;
import io.jtls.blocking.BlockingStreams;
import io.jtls.blocking.BlockingTlsServer;
import io.jtls.context.Constants;
import io.jtls.context.SecureContextOptions;
import io.jtls.error.NodeError;
import io.jtls.net.AddressInfo;
import io.jtls.ocsp.OcspStapler;
import io.jtls.pki.HeldCertificate;
import io.jtls.redis.RedisSessionStore;
import io.jtls.session.InMemorySessionStore;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.RedisClient;

/**
 * {@code jtls serve}: {@code openssl s_server} done the Node way. A {@link BlockingTlsServer}
 * with one virtual thread per connection, each answering as the chosen mode says; every
 * connection's handshake is printed on one line.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"A TLS server (s_server the Node way): echo, status page or HTTP/1.1.",
                "%nEchoes (default), answers with a status page (--www) or is a minimal HTTP/1.1 server (--http). "
                + "Prints \"listening HOST:PORT\" once listening, then one line per connection: "
                + "protocol, cipher, ALPN, SNI, reused. Without --cert/--key it makes a test certificate "
                + "for localhost, 127.0.0.1 and ::1 (its CA is written by --ca-out)."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 or :: for every interface).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8443",
            description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Mixin
    TlsFlags tls;

    @ArgGroup(exclusive = true)
    Mode mode = new Mode();

    static final class Mode {
        @Option(names = "--echo", description = "Send back what each client sends (default).")
        boolean echo;

        @Option(names = "--www", description = "Answer one request with a text page about the connection, then close (as s_server -www).")
        boolean www;

        @Option(names = "--http", description = "A minimal HTTP/1.1 server (keep-alive) that curl and browsers accept; ALPN http/1.1 unless --alpn.")
        boolean http;
    }

    @Option(names = "--sni", paramLabel = "NAME=CERT,KEY",
            description = "Serve this certificate to clients asking for NAME (repeatable; Node's addContext).")
    List<String> sni = new ArrayList<>();

    @Option(names = "--request-cert", description = "Ask clients for a certificate, verified against --ca (Node's requestCert).")
    boolean requestCert;

    @Option(names = "--reject-unauthorized", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "With --request-cert, turn away clients whose certificate does not verify (default: true).")
    boolean rejectUnauthorized;

    @Option(names = "--tickets", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Issue session tickets (default: true, as Node); --no-tickets resumes by session id only.")
    boolean tickets;

    @Option(names = "--session-store", paramLabel = "URI",
            description = "Keep sessions in a store: redis://127.0.0.1:6379 (shared by servers, jtls-redis) or memory (this process).")
    URI sessionStore;

    @Option(names = "--session-id-context", paramLabel = "TEXT", defaultValue = "jtls serve",
            description = "Session id context: equal on every server that shares sessions (default: ${DEFAULT-VALUE}).")
    String sessionIdContext;

    @Option(names = "--ocsp", description = "Staple OCSP responses fetched from the certificate's responder (io.jtls.ocsp); "
            + "its issuer must be in the --cert chain or in --ca.")
    boolean ocsp;

    @Option(names = "--ca-out", paramLabel = "FILE", description = "Write the generated test certificate's CA here (PEM), for clients' --ca.")
    Path caOut;

    @Override
    public Integer call() throws Exception {
        TlsServerOptions.Builder options = tls.applyTo(TlsServerOptions.builder());
        if (tls.cert == null && tls.key == null) {
            testCertificate(options);
        } else if (tls.cert == null || tls.key == null) {
            throw new UsageException("--cert and --key go together");
        }
        List<String> alpn = tls.alpn != null ? tls.alpn : mode.http ? List.of("http/1.1") : List.of();
        if (!alpn.isEmpty()) options.alpnProtocols(alpn);
        options.requestCert(requestCert).rejectUnauthorized(requestCert && rejectUnauthorized);
        options.sessionIdContext(sessionIdContext);
        if (!tickets) options.secureOptions(Constants.SSL_OP_NO_TICKET);
        RedisClient redis = null;
        if (sessionStore != null && "memory".equals(sessionStore.toString())) {
            options.sessionStore(InMemorySessionStore.create());
        } else if (sessionStore != null) {
            if (!"redis".equals(sessionStore.getScheme()) && !"rediss".equals(sessionStore.getScheme())) {
                throw new UsageException("--session-store takes redis://host:port or memory, not " + sessionStore);
            }
            redis = RedisClient.create(sessionStore);
            options.sessionStore(RedisSessionStore.create(redis));
        }
        ConnectionHandler handler = mode.www ? HttpResponder::www : mode.http ? HttpResponder::http : ServeCommand::echo;
        try (OcspStapler stapler = ocsp ? OcspStapler.create() : null;
                BlockingTlsServer server = new BlockingTlsServer(options.build())) {
            TlsServer tlsServer = server.server();
            for (String entry : sni) {
                addSniContext(tlsServer, entry, tls.ca);
            }
            if (stapler != null) tlsServer.on(TlsServer.OCSP_REQUEST, stapler::onOcspRequest);
            tlsServer.on(TlsServer.TLS_CLIENT_ERROR, (error, socket) ->
                    Output.err("client error " + code(error) + ": " + error.getMessage()));
            server.listen(port, host);
            AddressInfo address = server.address();
            Output.line("listening " + hostForUrl(address.address()) + ":" + address.port());
            server.serve(connection -> {
                TlsSocket socket = connection.stream();
                Output.line("connection from " + hostForUrl(socket.remoteAddress()) + ":" + socket.remotePort()
                        + " " + ConnectionReport.line(socket));
                handler.handle(connection);
            }).join();
        } finally {
            if (redis != null) redis.close();
        }
        return 0;
    }

    /** What one connection gets once it is secure; returning closes it. */
    @FunctionalInterface
    interface ConnectionHandler {
        void handle(BlockingStreams<TlsSocket> connection) throws IOException;
    }

    private static void echo(BlockingStreams<TlsSocket> connection) throws IOException {
        connection.input().transferTo(connection.output());
    }

    private void testCertificate(TlsServerOptions.Builder options) throws IOException {
        HeldCertificate ca = HeldCertificate.builder().commonName("jtls serve test CA").certificateAuthority(0).build();
        HeldCertificate.Builder leaf = HeldCertificate.builder().commonName("localhost")
                .addSubjectAltNames("localhost", "127.0.0.1", "::1").extendedKeyUsage("serverAuth").signedBy(ca);
        if (!List.of("localhost", "127.0.0.1", "::1", "0.0.0.0", "::").contains(host)) {
            leaf.addSubjectAltName(host);
        }
        HeldCertificate held = leaf.build();
        options.cert(held.certificatePem()).key(held.privateKeyPem());
        if (caOut != null) {
            Files.writeString(caOut, ca.certificatePem());
        }
    }

    /**
     * Node's {@code addContext(name, {cert, key, ca})}. The context a client's SNI selects also
     * verifies its certificate (OpenSSL takes the trust store from the switched-to context, in
     * Node too), so it gets {@code --ca}: without it a client certificate could never verify there.
     */
    private static void addSniContext(TlsServer server, String entry, Path ca) {
        int eq = entry.indexOf('=');
        int comma = entry.indexOf(',', eq + 1);
        if (eq <= 0 || comma < 0) {
            throw new UsageException("--sni takes NAME=CERT,KEY, not " + entry);
        }
        SecureContextOptions.Builder options = SecureContextOptions.builder()
                .cert(Path.of(entry.substring(eq + 1, comma))).key(Path.of(entry.substring(comma + 1)));
        if (ca != null) options.ca(ca);
        server.addContext(entry.substring(0, eq), options.build());
    }

    static String code(Throwable error) {
        return error instanceof NodeError n && n.code() != null ? n.code() : error.getClass().getSimpleName();
    }

    /** {@code [::1]} for IPv6, as in a URL; others unchanged. */
    static String hostForUrl(String address) {
        return address != null && address.indexOf(':') >= 0 ? "[" + address + "]" : address;
    }
}
