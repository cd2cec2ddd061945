package io.jtls.jsse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The blocking layer: SSLSocket and SSLServerSocket from the jtls provider, against each other and
 * against the JDK's, and HttpsURLConnection on a jtls socket factory.
 */
class SslSocketTest {
    static Stream<Arguments> pairs() {
        List<Arguments> pairs = new ArrayList<>();
        for (Provider client : List.of(TestTls.JDK, TestTls.JTLS)) {
            for (Provider server : List.of(TestTls.JDK, TestTls.JTLS)) {
                pairs.add(Arguments.of(TestTls.name(client) + "-client", client, TestTls.name(server) + "-server", server));
            }
        }
        return pairs.stream();
    }

    /** A one-connection echo server: answers each line with "echo: " + line until the client closes. */
    private static CompletableFuture<String> echoOnce(SSLServerSocket listener) {
        return CompletableFuture.supplyAsync(() -> {
            try (SSLSocket socket = (SSLSocket) listener.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
                String line;
                int lines = 0;
                while ((line = in.readLine()) != null) {
                    out.println("echo: " + line);
                    lines++;
                }
                return socket.getSession().getProtocol() + " " + lines;
            } catch (IOException e) {
                return "failed: " + e;
            }
        });
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("pairs")
    void linesEchoBothWays(String c, Provider clientProvider, String s, Provider serverProvider) throws Exception {
        try (SSLServerSocket listener = (SSLServerSocket) TestTls.server(serverProvider).getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> server = echoOnce(listener);
            CompletableFuture<String> completed = new CompletableFuture<>(); // SunJSSE calls listeners on its own thread
            try (SSLSocket socket = (SSLSocket) TestTls.client(clientProvider).getSocketFactory()
                    .createSocket("localhost", listener.getLocalPort())) {
                socket.addHandshakeCompletedListener(e -> completed.complete(e.getCipherSuite()));
                SSLParameters p = socket.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(p);
                socket.startHandshake();
                assertEquals("TLSv1.3", socket.getSession().getProtocol());
                assertEquals(socket.getSession().getCipherSuite(), completed.get(30, TimeUnit.SECONDS));
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = socket.getOutputStream();
                for (int i = 0; i < 3; i++) {
                    out.write(("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    assertEquals("echo: line " + i, in.readLine());
                }
                byte[] big = "x".repeat(100_000).getBytes(StandardCharsets.UTF_8);
                out.write(big);
                out.write('\n');
                out.flush();
                assertEquals("echo: " + "x".repeat(100_000), in.readLine());
            }
            assertEquals("TLSv1.3 4", server.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void anUntrustedServerFailsStartHandshake() throws Exception {
        SSLContext serverContext = TestTls.context(TestTls.JTLS, "TLS", TestTls.keyManagers(TestTls.UNTRUSTED), null);
        try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> server = echoOnce(listener);
            try (SSLSocket socket = (SSLSocket) TestTls.client(TestTls.JTLS).getSocketFactory()
                    .createSocket("localhost", listener.getLocalPort())) {
                assertThrows(SSLException.class, socket::startHandshake);
            }
            assertTrue(server.get(30, TimeUnit.SECONDS).startsWith("failed"), "the server saw the handshake fail");
        }
    }

    @Test
    void httpsUrlConnectionOnTheJtlsSocketFactory() throws Exception {
        com.sun.net.httpserver.HttpsServer server = com.sun.net.httpserver.HttpsServer.create(
                new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(TestTls.server(TestTls.JDK)));
        server.createContext("/", exchange -> {
            byte[] body = "hello HttpsURLConnection".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            HttpsURLConnection connection = (HttpsURLConnection) URI.create(
                    "https://localhost:" + server.getAddress().getPort() + "/").toURL().openConnection();
            connection.setSSLSocketFactory(TestTls.client(TestTls.JTLS).getSocketFactory());
            assertEquals(200, connection.getResponseCode());
            assertEquals("hello HttpsURLConnection",
                    new String(connection.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            assertTrue(connection.getCipherSuite().startsWith("TLS_"), connection.getCipherSuite());
            connection.disconnect();
        } finally {
            server.stop(0);
        }
    }
}
