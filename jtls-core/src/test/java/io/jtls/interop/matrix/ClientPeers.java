package io.jtls.interop.matrix;

import io.jtls.interop.matrix.MatrixTable.Feature;
import io.jtls.interop.matrix.Verdict.Limits;
import io.jtls.support.ExternalProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The client programs of the matrix, each run against one {@link MatrixServer}: they verify the
 * server's certificate for the name {@code localhost} (only the SNI context's certificate has
 * it), send the client certificate, make two connections (the second resuming) and print the
 * server's views, which {@link Verdict} judges.
 */
final class ClientPeers {
    static final Duration RUN = Duration.ofSeconds(30);

    private ClientPeers() {}

    /** curl: two URLs in one invocation, the second connection resumes the first one's session. */
    static Map<Feature, String> curl(MatrixServer s) {
        MatrixCerts c = s.certs;
        String base = "https://localhost:" + s.port;
        String v = s.version.equals("TLSv1.3") ? "1.3" : "1.2";
        ExternalProcess.Result r = ExternalProcess.run(RUN, List.of("curl", "-sS", "--tlsv" + v, "--tls-max", v,
                "--resolve", "localhost:" + s.port + ":127.0.0.1", "--cacert", c.rootFile.toString(),
                "--cert", c.clientPem.chain().toString(), "--key", c.clientPem.key().toString(),
                base + "/curl-1", base + "/curl-2"));
        return Verdict.of(s, r.output(), Limits.all("http/1.1"));
    }

    /**
     * gnutls-cli --resume: a first connection, then a resumed one that carries our request. On
     * TLS 1.3 {@code --waitresumption}: without it gnutls-cli waits only 50 ms for the ticket
     * after the handshake, a race on a loaded machine (the ticket comes, just later).
     */
    static Map<Feature, String> gnutlsCli(MatrixServer s) {
        MatrixCerts c = s.certs;
        String vers = s.version.equals("TLSv1.3") ? "+VERS-TLS1.3" : "+VERS-TLS1.2";
        List<String> command = new java.util.ArrayList<>(List.of("gnutls-cli", "--resume", "-p", String.valueOf(s.port),
                "127.0.0.1", "--sni-hostname", MatrixCerts.SNI_NAME, "--verify-hostname", MatrixCerts.SNI_NAME,
                "--x509cafile", c.rootFile.toString(), "--x509certfile", c.clientPem.chain().toString(),
                "--x509keyfile", c.clientPem.key().toString(), "--alpn", MatrixServer.ALPN,
                "--priority", "NORMAL:-VERS-ALL:" + vers));
        if (s.version.equals("TLSv1.3")) {
            command.add("--waitresumption");
        }
        try (ExternalProcess p = ExternalProcess.start(command)) {
            Limits limits = Limits.all(MatrixServer.ALPN).verified("- Status: The certificate is trusted.");
            try {
                p.awaitLine(Pattern.compile("^- Simple Client Mode"), RUN);
                p.write("GET /gnutls HTTP/1.1\r\nHost: localhost\r\n\r\n");
                p.awaitLine(Pattern.compile("jtls-view .*path=/gnutls"), RUN);
            } catch (AssertionError e) {
                return Verdict.of(s, p.output(), limits); // the cells say what is missing
            }
            return Verdict.of(s, p.output(), limits);
        }
    }

    /** Python's ssl: matrix_client.py, the second connection with {@code session=} the first one's. */
    static Map<Feature, String> python(MatrixServer s) {
        MatrixCerts c = s.certs;
        ExternalProcess.Result r = ExternalProcess.run(RUN, List.of("python3", resource("/python/matrix_client.py"),
                "127.0.0.1", String.valueOf(s.port), MatrixCerts.SNI_NAME, c.rootFile.toString(),
                c.clientPem.chain().toString(), c.clientPem.key().toString(), MatrixServer.ALPN, s.version));
        return Verdict.of(s, r.output(), Limits.all(MatrixServer.ALPN));
    }

    /** JSSE's SSLSocket in this JVM: one SSLContext, two sockets (its session cache resumes). */
    static Map<Feature, String> jdkSslSocket(MatrixServer s) {
        try {
            SSLContext ctx = jsseContext(s);
            StringBuilder out = new StringBuilder();
            for (String path : List.of("/sslsocket-1", "/sslsocket-2")) {
                try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", s.port)) {
                    socket.setSoTimeout((int) RUN.toMillis());
                    SSLParameters p = socket.getSSLParameters();
                    p.setProtocols(new String[] {s.version});
                    p.setServerNames(List.of(new SNIHostName(MatrixCerts.SNI_NAME)));
                    p.setEndpointIdentificationAlgorithm("HTTPS"); // checks the SNI name
                    p.setApplicationProtocols(new String[] {MatrixServer.ALPN, "http/1.1"});
                    socket.setSSLParameters(p);
                    socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.append(readAll(socket.getInputStream())).append('\n');
                }
            }
            return Verdict.of(s, out.toString(), Limits.all(MatrixServer.ALPN));
        } catch (IOException | GeneralSecurityException e) {
            return Verdict.failed(e.toString());
        }
    }

    /** The JDK's HttpClient: two GETs, HTTP/2 preferred (it offers h2 and http/1.1 by ALPN). */
    static Map<Feature, String> jdkHttpClient(MatrixServer s) {
        try (HttpClient client = HttpClient.newBuilder().sslContext(jsseContext(s)).version(HttpClient.Version.HTTP_2)
                .connectTimeout(RUN).build()) {
            StringBuilder out = new StringBuilder();
            for (String path : List.of("/httpclient-1", "/httpclient-2")) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                        URI.create("https://localhost:" + s.port + path)).timeout(RUN).build(),
                        HttpResponse.BodyHandlers.ofString());
                out.append(r.body()).append('\n');
            }
            return Verdict.of(s, out.toString(), Limits.all("http/1.1"));
        } catch (IOException | GeneralSecurityException e) {
            return Verdict.failed(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Verdict.failed("interrupted");
        }
    }

    /** An SSLContext trusting the configuration's root and holding its client certificate. */
    static SSLContext jsseContext(MatrixServer s) throws GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(MatrixCerts.keyStore(s.certs.client), MatrixCerts.PASSWORD.toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(s.certs.trustStore());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        in.transferTo(buf);
        return buf.toString(StandardCharsets.UTF_8);
    }

    static String resource(String name) {
        URL url = Objects.requireNonNull(ClientPeers.class.getResource(name), name);
        try {
            return Path.of(url.toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
