package io.jtls.interop.matrix;

import io.jtls.SecureContext;
import io.jtls.Tls;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.TlsSocket;
import io.jtls.context.SecureContextOptions;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import io.jtls.session.InMemorySessionStore;
import io.jtls.support.Waiting;
import io.jtls.x509.Certificate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The jtls server of one matrix configuration (one TLS version, one key type), shared by every
 * client peer: a tiny HTTP/1.1 server whose answer to any request is what jtls saw of that
 * connection ({@link View}), so each peer prints the server's view of its own connection and
 * the peers can run at the same time. It requests a client certificate without requiring one,
 * has an SNI context for {@code localhost}, keeps a session cache besides tickets, and offers ALPN {@code jtls-interop} before
 * {@code http/1.1} (HTTP clients offer h2 and http/1.1: they get http/1.1). Every answer closes
 * its connection, so a client's next request is a new handshake: the resumption.
 */
final class MatrixServer implements AutoCloseable {
    static final String ALPN = "jtls-interop";
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    final String version;
    final MatrixCerts certs;
    private final TlsServer server;
    private final SecureContext sniContext;
    final int port;

    MatrixServer(String version, MatrixCerts certs) {
        this.version = version;
        this.certs = certs;
        sniContext = Tls.createSecureContext(SecureContextOptions.builder()
                .cert(certs.sni.chainPem()).key(certs.sni.privateKeyPem())
                // the chosen SNI context's trust store verifies the client certificate (as in Node)
                .ca(certs.root.certificatePem()).build());
        server = Tls.createServer(TlsServerOptions.builder()
                .cert(certs.server.chainPem()).key(certs.server.privateKeyPem()).ca(certs.root.certificatePem())
                .minVersion(version).maxVersion(version)
                .requestCert(true).rejectUnauthorized(false)
                .alpnProtocols(ALPN, "http/1.1")
                // tickets as Node's default, plus a session-id cache: curl offers no TLS 1.2 ticket
                .sessionStore(InMemorySessionStore.create()).build(), this::serve);
        server.addContext(MatrixCerts.SNI_NAME, sniContext);
        port = Waiting.listen(server, TIMEOUT);
    }

    /** "TLSv1.3 RSA": how the views name this server. */
    String label() {
        return version + "-" + certs.type;
    }

    /** Reads one request head, answers with the view and ends the connection. */
    private void serve(TlsSocket socket) {
        StringBuilder head = new StringBuilder();
        boolean[] answered = {false};
        socket.on(EventEmitter.ERROR, e -> { }); // a peer that goes away mid-answer is not a matrix result
        socket.on(Duplex.DATA, chunk -> {
            if (answered[0]) {
                return;
            }
            head.append(StandardCharsets.ISO_8859_1.decode(chunk));
            if (head.indexOf("\r\n\r\n") < 0 && head.indexOf("\n\n") < 0) {
                return;
            }
            answered[0] = true;
            String[] requestLine = head.substring(0, head.indexOf("\n")).trim().split(" ");
            String path = requestLine.length > 1 ? requestLine[1] : "/";
            String view = View.of(this, socket, path).toString();
            boolean page = path.startsWith("/chromium");
            String body = page ? ChromiumPeer.page(view, path) : view + "\n";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            socket.write("HTTP/1.1 200 OK\r\nContent-Type: " + (page ? "text/html" : "text/plain")
                    + "; charset=utf-8\r\nContent-Length: " + bytes.length
                    + "\r\nAccess-Control-Allow-Origin: *\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n");
            socket.write(bytes);
            socket.end();
        });
    }

    /**
     * What jtls saw of one connection, one line of text the peers print:
     * {@code jtls-view server=TLSv1.3-RSA protocol=TLSv1.3 alpn=http/1.1 servername=localhost
     * client=CN reused=false path=/1}; {@code -} for none.
     */
    record View(String server, String protocol, String alpn, String servername, String client, boolean reused,
                String path) {
        static View of(MatrixServer s, TlsSocket socket, String path) {
            Certificate peer = socket.getPeerCertificate();
            String cn = peer == null || !socket.authorized() ? null : peer.subject().get("CN");
            return new View(s.label(), socket.getProtocol(), socket.alpnProtocol(), socket.servername(), cn,
                    socket.isSessionReused(), path);
        }

        @Override
        public String toString() {
            return "jtls-view server=" + server + " protocol=" + protocol + " alpn=" + dash(alpn)
                    + " servername=" + dash(servername) + " client=" + dash(client == null ? null : client.replace(' ', '_'))
                    + " reused=" + reused + " path=" + path;
        }

        /** Every view line in {@code output}, in order. */
        static List<View> parse(String output) {
            return output.lines().map(String::trim).filter(l -> l.contains("jtls-view "))
                    .map(l -> l.substring(l.indexOf("jtls-view ")))
                    .map(View::parseLine).toList();
        }

        private static View parseLine(String line) {
            java.util.Map<String, String> f = new java.util.HashMap<>();
            for (String part : line.substring("jtls-view ".length()).split(" ")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    f.put(part.substring(0, eq), part.substring(eq + 1).replaceAll("[<\"].*$", ""));
                }
            }
            return new View(f.get("server"), f.get("protocol"), none(f.get("alpn")), none(f.get("servername")),
                    none(f.get("client")) == null ? null : f.get("client").replace('_', ' '),
                    "true".equals(f.get("reused")), f.get("path"));
        }

        private static String dash(String s) {
            return s == null || s.isEmpty() ? "-" : s;
        }

        private static String none(String s) {
            return s == null || s.equals("-") ? null : s;
        }
    }

    @Override
    public void close() {
        Waiting.close(server, TIMEOUT);
        sniContext.close();
    }
}
