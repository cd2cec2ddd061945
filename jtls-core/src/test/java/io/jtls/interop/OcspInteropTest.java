package io.jtls.interop;

import static io.jtls.interop.JtlsPeer.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.Tls;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.TlsSocket;
import io.jtls.pki.HeldCertificate;
import io.jtls.support.ExternalProcess;
import io.jtls.support.OcspResponder;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * OCSP stapling against real peers, TLS 1.2 and 1.3, with a real response: a certificate whose AIA
 * names a local {@code openssl ocsp} responder, and the response that responder signed
 * ({@code openssl ocsp -respout}). jtls's server against {@code openssl s_client -status} (beside a
 * Node server stapling the same bytes) and Node's client ({@code requestOCSP: true}); jtls's client
 * ({@code requestOCSP}) against {@code openssl s_server -status_file} and a Node server's
 * {@code 'OCSPRequest'} listener, whose certificate and issuer arguments jtls's match.
 */
class OcspInteropTest {
    private static final long SERIAL = 0x5EED01L;
    @TempDir
    static Path dir;
    private static OcspResponder responder;
    private static HeldCertificate ca;
    private static HeldCertificate leaf;
    private static Path caFile;
    private static Path leafFile;
    private static Path keyFile;
    /** The responder's answer for the leaf: "good", signed by the CA. */
    private static byte[] response;
    private static Path responseFile;

    @BeforeAll
    static void responderAndItsResponse() throws IOException {
        ca = HeldCertificate.builder().commonName("OCSP Interop CA").certificateAuthority(0).ec("prime256v1").build();
        responder = new OcspResponder(dir, ca, 60).good(BigInteger.valueOf(SERIAL)).start();
        leaf = HeldCertificate.builder().commonName("localhost").addSubjectAltName("localhost")
                .addSubjectAltName("127.0.0.1").serialNumber(SERIAL).ocspResponder(responder.url()).signedBy(ca).build();
        caFile = Files.writeString(dir.resolve("interop-ca.pem"), ca.certificatePem());
        leafFile = Files.writeString(dir.resolve("leaf.pem"), leaf.certificatePem());
        keyFile = Files.writeString(dir.resolve("leaf-key.pem"), leaf.privateKeyPem());
        responseFile = dir.resolve("response.der");
        String fetched = ExternalProcess.run(Duration.ofSeconds(20), List.of("openssl", "ocsp", "-issuer", caFile.toString(),
                "-cert", leafFile.toString(), "-url", responder.url(), "-CAfile", caFile.toString(),
                "-respout", responseFile.toString())).ok();
        assertTrue(fetched.contains("Response verify OK") && fetched.contains(": good"), fetched);
        response = Files.readAllBytes(responseFile);
    }

    @AfterAll
    static void stopResponder() {
        if (responder != null) {
            responder.close();
        }
    }

    /** A jtls server with the leaf (alone) and the CA as {@code ca}, stapling {@link #response}; records the listener's arguments. */
    private static TlsServer jtlsServer(String version, List<byte[]> asked) {
        TlsServer server = Tls.createServer(TlsServerOptions.builder().cert(leaf.certificatePem()).key(leaf.privateKeyPem())
                .ca(ca.certificatePem()).maxVersion(version).build(), s -> s.end());
        server.on(TlsServer.OCSP_REQUEST, (certificate, issuer, callback) -> {
            asked.add(certificate);
            asked.add(issuer);
            callback.call(null, response);
        });
        return server;
    }

    private static NodePeer nodeServer(String version) {
        return NodePeer.server("ocsp-peer.js", Map.of("mode", "server", "key", keyFile.toString(), "cert", leafFile.toString(),
                "ca", caFile.toString(), "maxVersion", version, "responseHex", HexFormat.of().formatHex(response)));
    }

    /** s_client -status: what it prints about the staple. */
    private static void assertSClientSeesAGoodStaple(int port, String version, String server) {
        try (OpenSslPeer client = OpenSslPeer.client(port, List.of("-status", version.equals("TLSv1.3") ? "-tls1_3" : "-tls1_2",
                "-CAfile", caFile.toString(), "-servername", "localhost"))) {
            client.awaitLine("OCSP Response Status: successful");
            client.awaitLine("Cert Status: good");
            client.awaitLine("Verify return code: 0 \\(ok\\)");
            client.closeStdin();
            client.waitFor();
        } catch (AssertionError e) {
            throw new AssertionError(server + " " + version + ": " + e.getMessage(), e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void opensslSClientGetsTheStapleFromJtlsAsFromNode(String version) {
        List<byte[]> asked = new CopyOnWriteArrayList<>();
        TlsServer server = jtlsServer(version, asked);
        int port = listen(server);
        try (NodePeer node = nodeServer(version)) {
            assertSClientSeesAGoodStaple(port, version, "jtls");
            assertSClientSeesAGoodStaple(node.port(), version, "node"); // Node v20 staples in TLS 1.3 too
            assertEquals(2, asked.size());
            assertArrayEquals(leaf.certificateDer(), asked.get(0));
            assertArrayEquals(ca.certificateDer(), asked.get(1), "the issuer, found among the trusted certificates");
            Map<String, Object> nodeAsked = node.await("OCSPRequest");
            assertEquals(HexFormat.of().formatHex(asked.get(0)), nodeAsked.get("certificate"), "Node's certificate argument");
            assertEquals(HexFormat.of().formatHex(asked.get(1)), nodeAsked.get("issuer"), "Node's issuer argument");
        } finally {
            close(server);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void nodesClientWithRequestOcspGetsJtlsStaple(String version) {
        TlsServer server = jtlsServer(version, new CopyOnWriteArrayList<>());
        int port = listen(server);
        try (NodePeer client = NodePeer.client("ocsp-peer.js", Map.of("mode", "client", "port", port, "ca", caFile.toString()))) {
            Map<String, Object> ocsp = client.await("OCSPResponse");
            assertEquals(HexFormat.of().formatHex(response), ocsp.get("hex"));
            assertEquals(false, ocsp.get("afterSecure"), "emitted before 'secureConnect'");
            Map<String, Object> secure = client.await("secureConnect");
            assertEquals(version, secure.get("protocol"));
            assertEquals(true, secure.get("authorized"));
        } finally {
            close(server);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void jtlsClientGetsTheStapleOfOpensslAndNodeServers(String version) {
        List<String> args = List.of("-cert", leafFile.toString(), "-key", keyFile.toString(),
                "-status_file", responseFile.toString(), version.equals("TLSv1.3") ? "-tls1_3" : "-tls1_2");
        try (OpenSslPeer openssl = OpenSslPeer.server(args); NodePeer node = nodeServer(version)) {
            assertArrayEquals(response, stapleSeenBy(openssl.port(), version), "from openssl s_server -status_file");
            assertArrayEquals(response, stapleSeenBy(node.port(), version), "from Node's 'OCSPRequest'");
        }
    }

    /**
     * On resumption the client's events follow OpenSSL's status callback: jtls's client gives the
     * same sequence as Node's against the same Node server (TLS 1.2: no 'OCSPResponse' when
     * resumed; TLS 1.3: one with null, as no certificate is sent).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void resumedHandshakesGiveTheClientNodesEvents(String version) {
        try (NodePeer server = nodeServer(version);
             NodePeer nodeClient = NodePeer.client("ocsp-peer.js", Map.of("mode", "client", "port", server.port(),
                     "ca", caFile.toString(), "resume", true))) {
            nodeClient.await("close", 2);
            List<String> node = new java.util.ArrayList<>();
            for (Map<String, Object> e : nodeClient.events()) {
                int round = ((Number) e.get("round")).intValue();
                switch (String.valueOf(e.get("event"))) {
                    case "OCSPResponse" -> node.add(round + " OCSPResponse:" + e.get("hex"));
                    case "secureConnect" -> node.add(round + " secureConnect reused=" + e.get("reused"));
                    case "error" -> node.add(round + " error:" + e.get("code"));
                    default -> { }
                }
            }
            List<String> jtls = new CopyOnWriteArrayList<>();
            byte[] session = jtlsRound(server.port(), 1, null, jtls);
            jtlsRound(server.port(), 2, session, jtls);
            String staple = HexFormat.of().formatHex(response);
            List<String> expected = version.equals("TLSv1.3")
                    ? List.of("1 OCSPResponse:" + staple, "1 secureConnect reused=false", "2 OCSPResponse:null", "2 secureConnect reused=true")
                    : List.of("1 OCSPResponse:" + staple, "1 secureConnect reused=false", "2 secureConnect reused=true");
            assertEquals(expected, node, "Node v20's client");
            assertEquals(node, jtls, "jtls's client, as Node's");
        }
    }

    /** One jtls client connection with requestOCSP (offering {@code session}); records its events; returns its last session. */
    private static byte[] jtlsRound(int port, int round, byte[] session, List<String> events) {
        List<byte[]> sessions = new CopyOnWriteArrayList<>();
        CompletableFuture<Boolean> closed = new CompletableFuture<>();
        var options = clientTo(port).ca(ca.certificatePem()).requestOCSP(true);
        if (session != null) {
            options.session(session);
        }
        connect(options.build(), s -> {
            s.on(TlsSocket.OCSP_RESPONSE, r -> events.add(round + " OCSPResponse:" + (r == null ? null : HexFormat.of().formatHex(r))));
            s.on(TlsSocket.SECURE_CONNECT, () -> {
                events.add(round + " secureConnect reused=" + s.isSessionReused());
                s.end();
            });
            s.on(TlsSocket.SESSION, sessions::add);
            s.on(TlsSocket.ERROR, e -> events.add(round + " error:" + code(e)));
            s.on(TlsSocket.DATA, b -> { });
            s.on(TlsSocket.CLOSE, closed::complete);
        });
        await(closed);
        return sessions.isEmpty() ? null : sessions.getLast();
    }

    /** A jtls client with requestOCSP: the bytes of its 'OCSPResponse', after checking 'secureConnect' followed. */
    private static byte[] stapleSeenBy(int port, String version) {
        List<String> order = new CopyOnWriteArrayList<>();
        CompletableFuture<byte[]> staple = new CompletableFuture<>();
        CompletableFuture<String> secure = new CompletableFuture<>();
        TlsSocket socket = connect(clientTo(port).ca(ca.certificatePem()).requestOCSP(true).build(), s -> {
            s.on(TlsSocket.OCSP_RESPONSE, r -> {
                order.add("OCSPResponse");
                staple.complete(r);
            });
            s.on(TlsSocket.SECURE_CONNECT, () -> {
                order.add("secureConnect");
                secure.complete(s.getProtocol());
            });
            s.on(TlsSocket.ERROR, secure::completeExceptionally);
        });
        try {
            assertEquals(version, await(secure));
            assertEquals(List.of("OCSPResponse", "secureConnect"), order);
            return await(staple);
        } finally {
            socket.destroy();
        }
    }
}
