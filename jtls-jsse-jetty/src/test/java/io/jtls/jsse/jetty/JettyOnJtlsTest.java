package io.jtls.jsse.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Jetty 12 server whose SslContextFactory is given a jtls SSLContext, and nothing else changed:
 * curl and the JDK's HttpClient (on the JDK's own provider) fetch pages over it, HTTP/1.1 and HTTP/2 by
 * ALPN (Jetty finds {@link JtlsAlpnServerProcessor} through ServiceLoader: this module on the
 * class path is the one piece Jetty needs besides the provider).
 */
class JettyOnJtlsTest {
    private Server server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setSslContext(JettyTls.jtlsServer());
        server = new Server();
        HttpConfiguration config = new HttpConfiguration();
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
        alpn.setDefaultProtocol("http/1.1");
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, alpn.getProtocol()),
                alpn, new HTTP2ServerConnectionFactory(config), new HttpConnectionFactory(config));
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String body = "hello from jetty on " + request.getConnectionMetaData().getProtocol()
                        + " " + request.getHttpURI().getPath();
                Content.Sink.write(response, true, body, callback);
                return true;
            }
        });
        server.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    @Test
    void curlFetchesAPage() throws Exception {
        Path ca = Files.createTempFile("jtls-jsse-ca", ".pem");
        try {
            Files.writeString(ca, JettyTls.ROOT.certificatePem());
            Process curl = new ProcessBuilder("curl", "-sS", "--http1.1", "--cacert", ca.toString(),
                    "--resolve", "localhost:" + port + ":127.0.0.1", "https://localhost:" + port + "/curl")
                    .redirectErrorStream(true).start();
            String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            curl.waitFor(30, TimeUnit.SECONDS);
            assertEquals("hello from jetty on HTTP/1.1 /curl", out);
            assertEquals(0, curl.exitValue());
        } finally {
            Files.deleteIfExists(ca);
        }
    }

    @Test
    void http2ByAlpnForCurlAndTheJdkHttpClient() throws Exception {
        Path ca = Files.createTempFile("jtls-jsse-ca", ".pem");
        try {
            Files.writeString(ca, JettyTls.ROOT.certificatePem());
            Process curl = new ProcessBuilder("curl", "-sS", "--http2", "--cacert", ca.toString(),
                    "--resolve", "localhost:" + port + ":127.0.0.1", "https://localhost:" + port + "/curl2")
                    .redirectErrorStream(true).start();
            String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            curl.waitFor(30, TimeUnit.SECONDS);
            assertEquals("hello from jetty on HTTP/2.0 /curl2", out);
        } finally {
            Files.deleteIfExists(ca);
        }
        try (HttpClient http = HttpClient.newBuilder().sslContext(JettyTls.client(JettyTls.jdk()))
                .version(HttpClient.Version.HTTP_2).build()) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/h2")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(HttpClient.Version.HTTP_2, response.version());
            assertEquals("hello from jetty on HTTP/2.0 /h2", response.body());
        }
    }

    @Test
    void theJdkHttpClientFetchesPagesOnOneConnection() throws Exception {
        try (HttpClient http = HttpClient.newBuilder().sslContext(JettyTls.client(JettyTls.jdk()))
                .version(HttpClient.Version.HTTP_1_1).build()) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/jdk" + i)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode());
                assertEquals("hello from jetty on HTTP/1.1 /jdk" + i, response.body());
            }
        }
    }
}
