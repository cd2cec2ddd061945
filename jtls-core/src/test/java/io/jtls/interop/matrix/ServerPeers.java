package io.jtls.interop.matrix;

import io.jtls.Tls;
import io.jtls.TlsConnectOptions;
import io.jtls.TlsSocket;
import io.jtls.interop.matrix.MatrixTable.Feature;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import io.jtls.support.ExternalProcess;
import io.jtls.support.Waiting;
import io.jtls.x509.Certificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * jtls as a client of the server programs: gnutls-serv and Python's ssl as processes, JSSE's
 * SSLServerSocket in this JVM ({@link JsseServer}). Each server has the configuration's version,
 * a default certificate and one for the SNI name {@code localhost} (gnutls-serv: only that one,
 * with a fatal alert when the SNI name differs), requires a client certificate from the root and
 * offers ALPN {@code jtls-interop} only. The jtls client connects twice, the second time with the
 * first connection's {@code 'session'}.
 */
final class ServerPeers {
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private ServerPeers() {}

    /** What the jtls client saw of one connection, and the first line the server answered. */
    record Seen(String protocol, boolean authorized, String authorizationError, String peerCn, String alpn,
                boolean reused, String reply, byte[] session) {}

    /**
     * gnutls-serv --echo: the reply is our own line echoed. It takes no port 0, so it gets a port
     * that was free a moment ago, and another one if something took it meanwhile (it then prints
     * {@code bind() failed} on that line and goes on with IPv6 alone).
     */
    static Map<Feature, String> gnutlsServ(String version, MatrixCerts c) {
        String vers = version.equals("TLSv1.3") ? "+VERS-TLS1.3" : "+VERS-TLS1.2";
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            try (ExternalProcess p = ExternalProcess.start(List.of("gnutls-serv", "--echo", "-p", String.valueOf(port),
                    "--x509certfile", c.sniPem.chain().toString(), "--x509keyfile", c.sniPem.key().toString(),
                    "--x509cafile", c.rootFile.toString(), "--require-client-cert", "--verify-client-cert",
                    "--alpn", MatrixServer.ALPN, "--alpn-fatal", "--sni-hostname", MatrixCerts.SNI_NAME,
                    "--sni-hostname-fatal", "--priority", "NORMAL:-VERS-ALL:" + vers))) {
                String bound = p.awaitLine(Pattern.compile("Echo Server listening on IPv4.*\\.\\.\\.(\\S.*)$"), TIMEOUT).group(1);
                if (!bound.startsWith("done")) {
                    if (attempt < 3) {
                        continue;
                    }
                    return Verdict.failed("gnutls-serv: " + bound);
                }
                // required and verified, SNI mismatch fatal: an answer is the proof of both
                return judge(version, c, port, reply -> reply.startsWith("matrix ping") ? null
                        : "gnutls-serv answered " + reply, reply -> null, p::output);
            }
        }
    }

    /** matrix_server.py: its reply is its view, with the client certificate's CN. */
    static Map<Feature, String> pythonServer(String version, MatrixCerts c) {
        try (ExternalProcess p = ExternalProcess.start(List.of("python3", ClientPeers.resource("/python/matrix_server.py"),
                version, c.serverPem.chain().toString(), c.serverPem.key().toString(), MatrixCerts.SNI_NAME,
                c.sniPem.chain().toString(), c.sniPem.key().toString(), c.rootFile.toString(), MatrixServer.ALPN))) {
            int port = Integer.parseInt(p.awaitLine(Pattern.compile("^listening (\\d+)"), TIMEOUT).group(1));
            return judge(version, c, port, reply -> expectClient(reply, c), ServerPeers::expectSni, p::output);
        }
    }

    /** JSSE's SSLServerSocket: its reply is its view, like the Python server's. */
    static Map<Feature, String> jsseServer(String version, MatrixCerts c) {
        try (JsseServer server = new JsseServer(version, c)) {
            return judge(version, c, server.port(), reply -> expectClient(reply, c), ServerPeers::expectSni, server::log);
        }
    }

    private static String expectClient(String reply, MatrixCerts c) {
        return reply.contains(" client=" + c.clientCn().replace(' ', '_') + " ") ? null
                : "the server saw no client certificate: " + reply;
    }

    private static String expectSni(String reply) {
        return reply.contains(" servername=" + MatrixCerts.SNI_NAME + " ") ? null : "the server saw no SNI name: " + reply;
    }

    /**
     * Two connections and the cells; {@code clientCertCheck} and {@code sniCheck} return null
     * when the server's reply shows the client certificate / the SNI name.
     */
    private static Map<Feature, String> judge(String version, MatrixCerts c, int port,
                                              java.util.function.Function<String, String> clientCertCheck,
                                              java.util.function.Function<String, String> sniCheck,
                                              java.util.function.Supplier<String> serverLog) {
        Map<Feature, String> cells = new EnumMap<>(Feature.class);
        Seen first;
        Seen second;
        try {
            first = connect(version, c, port, null);
            second = connect(version, c, port, first.session());
        } catch (RuntimeException | AssertionError e) {
            return Verdict.failed(e.getMessage() + "; server: " + Verdict.tail(serverLog.get()));
        }
        if (!version.equals(first.protocol()) || !first.authorized()) {
            return Verdict.failed("negotiated " + first.protocol() + ", authorized " + first.authorized()
                    + " " + first.authorizationError());
        }
        cells.put(Feature.ALPN, MatrixServer.ALPN.equals(first.alpn()) ? MatrixTable.OK
                : MatrixTable.fail("ALPN " + first.alpn()));
        // verified for "localhost": only the SNI certificate has that name
        String sniProblem = sniCheck.apply(first.reply());
        cells.put(Feature.SNI, !MatrixCerts.SNI_NAME.equals(first.peerCn()) ? MatrixTable.fail("certificate " + first.peerCn())
                : sniProblem == null ? MatrixTable.OK : MatrixTable.fail(sniProblem));
        String certProblem = clientCertCheck.apply(first.reply());
        cells.put(Feature.CLIENT_CERT, certProblem == null ? MatrixTable.OK : MatrixTable.fail(certProblem));
        // a resumed connection is authorized (the session keeps the verification result); it has no
        // peer certificate, like Node's client ({} there: a stored session has no peer chain)
        cells.put(Feature.RESUMPTION, first.session() == null ? MatrixTable.fail("no 'session' event")
                : !second.reused() ? MatrixTable.fail("not resumed")
                : second.authorized() ? MatrixTable.OK
                : MatrixTable.fail("resumed but not authorized: " + second.authorizationError()));
        return cells;
    }

    /** One jtls connection: handshake, a line out, a line back, end. */
    static Seen connect(String version, MatrixCerts c, int port, byte[] session) {
        TlsConnectOptions options = TlsConnectOptions.builder().host("127.0.0.1").port(port)
                .servername(MatrixCerts.SNI_NAME).ca(c.root.certificatePem())
                .cert(c.client.chainPem()).key(c.client.privateKeyPem())
                .alpnProtocols(MatrixServer.ALPN).minVersion(version).maxVersion(version).session(session).build();
        CompletableFuture<Seen> done = new CompletableFuture<>();
        AtomicReference<byte[]> newSession = new AtomicReference<>();
        StringBuilder reply = new StringBuilder();
        Tls.connect(options, s -> {
            s.on(TlsSocket.SESSION, newSession::set);
            s.on(EventEmitter.ERROR, done::completeExceptionally);
            s.on(Duplex.CLOSE, hadError -> done.completeExceptionally(new AssertionError("closed before the reply")));
            s.on(TlsSocket.SECURE_CONNECT, () -> s.write("matrix ping\n"));
            s.on(Duplex.DATA, chunk -> {
                reply.append(StandardCharsets.UTF_8.decode(chunk));
                int nl = reply.indexOf("\n");
                if (nl >= 0 && !done.isDone()) {
                    Certificate peer = s.getPeerCertificate();
                    done.complete(new Seen(s.getProtocol(), s.authorized(), s.authorizationError(),
                            peer == null ? null : peer.subject().get("CN"), s.alpnProtocol(), s.isSessionReused(),
                            reply.substring(0, nl), null));
                    s.end();
                }
            });
        }, null);
        Seen seen = Waiting.await(done, TIMEOUT);
        // TLS 1.3: the tickets came before the reply; TLS 1.2: with the handshake
        return new Seen(seen.protocol(), seen.authorized(), seen.authorizationError(), seen.peerCn(), seen.alpn(),
                seen.reused(), seen.reply(), newSession.get());
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
