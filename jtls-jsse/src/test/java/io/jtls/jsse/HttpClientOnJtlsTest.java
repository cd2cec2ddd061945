package io.jtls.jsse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * The JDK's HttpClient, unchanged but for an SSLContext from the jtls provider: against the JDK's
 * own HTTPS server running on a jtls SSLContext too (HTTP/1.1), and against a Node server
 * (HTTP/1.1 and HTTP/2 negotiated by ALPN). Host name verification is the client's usual one.
 */
class HttpClientOnJtlsTest {
    private static HttpClient client(SSLContext context, HttpClient.Version version) {
        return HttpClient.newBuilder().sslContext(context).version(version).build();
    }

    @Test
    void httpClientAgainstTheJdkHttpsServerBothOnJtls() throws Exception {
        SSLContext serverContext = TestTls.server(TestTls.JTLS);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext));
        server.createContext("/", exchange -> {
            byte[] body = ("hello over " + ((HttpsExchange) exchange).getSSLSession().getProtocol()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        ExecutorService executor = Executors.newFixedThreadPool(2);
        server.setExecutor(executor);
        server.start();
        try (HttpClient http = client(TestTls.client(TestTls.JTLS), HttpClient.Version.HTTP_1_1)) {
            URI uri = URI.create("https://localhost:" + server.getAddress().getPort() + "/");
            for (int i = 0; i < 3; i++) { // the connection is kept alive and reused
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode());
                assertEquals("hello over TLSv1.3", response.body());
                assertEquals("TLSv1.3", response.sslSession().orElseThrow().getProtocol());
            }
        } finally {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    @Test
    void http2ByAlpnAgainstNode() throws Exception {
        try (NodeServer node = new NodeServer(TestTls.SERVER.chainPem(), TestTls.SERVER.privateKeyPem());
             HttpClient http = client(TestTls.client(TestTls.JTLS), HttpClient.Version.HTTP_2)) {
            URI uri = URI.create("https://localhost:" + node.port + "/");
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals(HttpClient.Version.HTTP_2, response.version());
            assertEquals("version=2.0 alpn=h2", response.body());
        }
    }

    @Test
    void http11AgainstNode() throws Exception {
        try (NodeServer node = new NodeServer(TestTls.SERVER.chainPem(), TestTls.SERVER.privateKeyPem());
             HttpClient http = client(TestTls.client(TestTls.JTLS), HttpClient.Version.HTTP_1_1)) {
            URI uri = URI.create("https://localhost:" + node.port + "/");
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            // An HTTP/1.1-only client offers no ALPN at all (the JDK's HttpClient does so on SunJSSE too).
            assertEquals("version=1.1 alpn=undefined", response.body());
        }
    }

    @Test
    void theClientRefusesACertificateForAnotherHost() throws Exception {
        try (NodeServer node = new NodeServer(TestTls.OTHER_HOST.chainPem(), TestTls.OTHER_HOST.privateKeyPem());
             HttpClient http = client(TestTls.client(TestTls.JTLS), HttpClient.Version.HTTP_1_1)) {
            URI uri = URI.create("https://localhost:" + node.port + "/");
            IOException e = assertThrows(IOException.class,
                    () -> http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()));
            Throwable cause = e;
            while (cause != null && !(cause instanceof SSLHandshakeException)) {
                cause = cause.getCause();
            }
            assertEquals(SSLHandshakeException.class, cause == null ? e.getClass() : cause.getClass(), e.toString());
        }
    }
}
