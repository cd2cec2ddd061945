package io.jtls.interop;

import static io.jtls.interop.InteropCerts.*;
import static io.jtls.interop.JtlsPeer.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.Tls;
import io.jtls.TlsConnectOptions;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.TlsSocket;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import io.jtls.support.NativeLeakCheck;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The client's failures, compared with Node: each scenario is run with Node's
 * {@code tls.connect} (node/tls-client.js) and with {@link Tls#connect} against the same
 * server (a Node server, a jtls server or openssl s_server), and the jtls error must carry the code (and message) Node reported. The expected
 * code in each row names the scenario and is checked against Node too, so a scenario that
 * stops producing it is noticed.
 */
class ErrorCodeParityTest {
    @TempDir
    static Path dir;
    static Path rootCa;

    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    @BeforeAll
    static void writePems() {
        rootCa = writeCa(dir, "root", ROOT);
    }

    /** The server's certificate chain (PEM) for a scenario. */
    private static String chainFor(String scenario) {
        return switch (scenario) {
            case "untrusted" -> UNTRUSTED_LEAF.chainPem();
            case "self-signed" -> SELF_SIGNED.chainPem();
            case "root-in-chain" -> chainWithUntrustedRoot();
            case "expired" -> EXPIRED.chainPem();
            case "other-host" -> OTHER_HOST.chainPem();
            default -> throw new IllegalArgumentException(scenario);
        };
    }

    /** The leaf alone (s_server takes the rest of the chain with -cert_chain). */
    private static String leafFor(String scenario) {
        return switch (scenario) {
            case "untrusted", "root-in-chain" -> UNTRUSTED_LEAF.certificatePem();
            case "self-signed" -> SELF_SIGNED.certificatePem();
            case "expired" -> EXPIRED.certificatePem();
            case "other-host" -> OTHER_HOST.certificatePem();
            default -> throw new IllegalArgumentException(scenario);
        };
    }

    private static String keyFor(String scenario) {
        return switch (scenario) {
            case "untrusted", "root-in-chain" -> UNTRUSTED_LEAF.privateKeyPem();
            case "self-signed" -> SELF_SIGNED.privateKeyPem();
            case "expired" -> EXPIRED.privateKeyPem();
            case "other-host" -> OTHER_HOST.privateKeyPem();
            default -> throw new IllegalArgumentException(scenario);
        };
    }

    /** The outcome of one client: Node's event fields, or the jtls error's. */
    record Outcome(String event, String code, String message, Object authorized, Object authorizationError) {}

    private static Outcome nodeClient(int port, boolean rejectUnauthorized) {
        try (NodePeer node = NodePeer.client(Config.of("port", port, "ca", rootCa, "servername", "localhost",
                "rejectUnauthorized", rejectUnauthorized))) {
            Map<String, Object> e = node.awaitAny("error", "secureConnect");
            node.await("close");
            return new Outcome((String) e.get("event"), (String) e.get("code"), (String) e.get("message"),
                    e.get("authorized"), e.get("authorizationError"));
        }
    }

    private static Outcome jtlsClient(TlsConnectOptions options) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        JtlsPeer.connect(options, s -> {
            s.on(TlsSocket.SECURE_CONNECT, () -> {
                outcome.complete(new Outcome("secureConnect", null, null, s.authorized(), s.authorizationError()));
                s.end();
            });
            s.on(EventEmitter.ERROR, e -> outcome.complete(new Outcome("error", code(e), e.getMessage(), null, null)));
            s.on(Duplex.CLOSE, hadError -> outcome.complete(new Outcome("close", null, null, null, null)));
        });
        return await(outcome);
    }

    /**
     * jtls's outcome with Node's message when jtls's starts with it and adds the peer and the
     * certificate ({@code self-signed certificate; peer 127.0.0.1:4433, certificate "CN=localhost"
     * issued by "CN=localhost"}); unchanged otherwise, so that any other difference still fails.
     */
    private static Outcome withNodesMessage(Outcome jtls, String nodeMessage) {
        if (jtls.message() != null && nodeMessage != null && jtls.message().startsWith(nodeMessage + "; peer 127.0.0.1:")
                && jtls.message().contains(", certificate \"CN=localhost\"")) {
            return new Outcome(jtls.event(), jtls.code(), nodeMessage, jtls.authorized(), jtls.authorizationError());
        }
        return jtls;
    }

    private static TlsConnectOptions.Builder jtlsTo(int port) {
        return TlsConnectOptions.builder().host("127.0.0.1").port(port).servername("localhost").ca(ROOT.certificatePem());
    }

    /** A Node server or a jtls server presenting the scenario's certificate. */
    private interface Peer extends AutoCloseable {
        int port();

        @Override
        void close();
    }

    private static Peer serverFor(String server, String scenario) {
        if (server.equals("node")) {
            Path cert = writeText(dir, scenario + "-chain.pem", chainFor(scenario));
            Path key = writeText(dir, scenario + "-key.pem", keyFor(scenario));
            NodePeer node = NodePeer.server(Config.of("cert", cert, "key", key));
            return new Peer() {
                public int port() {
                    return node.port();
                }

                public void close() {
                    node.close();
                }
            };
        }
        if (server.equals("openssl")) {
            Path leaf = writeText(dir, scenario + "-leaf.pem", leafFor(scenario));
            Path key = writeText(dir, scenario + "-key.pem", keyFor(scenario));
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("-cert", leaf.toString(), "-key", key.toString()));
            if (scenario.equals("root-in-chain")) {
                args.addAll(java.util.List.of("-cert_chain", writeText(dir, "untrusted-root.pem", UNTRUSTED_ROOT.certificatePem()).toString()));
            }
            OpenSslPeer openssl = OpenSslPeer.server(args);
            return new Peer() {
                public int port() {
                    return openssl.port();
                }

                public void close() {
                    openssl.close();
                }
            };
        }
        TlsServer jtls = Tls.createServer(TlsServerOptions.builder().cert(chainFor(scenario)).key(keyFor(scenario)).build(),
                TlsSocket::end);
        int port = listen(jtls);
        return new Peer() {
            public int port() {
                return port;
            }

            public void close() {
                JtlsPeer.close(jtls);
            }
        };
    }

    @ParameterizedTest(name = "{1} from a {0} server")
    @CsvSource({
            "node, untrusted, UNABLE_TO_VERIFY_LEAF_SIGNATURE",
            "node, self-signed, DEPTH_ZERO_SELF_SIGNED_CERT",
            "node, root-in-chain, SELF_SIGNED_CERT_IN_CHAIN",
            "node, expired, CERT_HAS_EXPIRED",
            "node, other-host, ERR_TLS_CERT_ALTNAME_INVALID",
            "jtls, untrusted, UNABLE_TO_VERIFY_LEAF_SIGNATURE",
            "jtls, self-signed, DEPTH_ZERO_SELF_SIGNED_CERT",
            "jtls, root-in-chain, SELF_SIGNED_CERT_IN_CHAIN",
            "jtls, expired, CERT_HAS_EXPIRED",
            "jtls, other-host, ERR_TLS_CERT_ALTNAME_INVALID",
            "openssl, untrusted, UNABLE_TO_VERIFY_LEAF_SIGNATURE",
            "openssl, self-signed, DEPTH_ZERO_SELF_SIGNED_CERT",
            "openssl, root-in-chain, SELF_SIGNED_CERT_IN_CHAIN",
            "openssl, expired, CERT_HAS_EXPIRED",
            "openssl, other-host, ERR_TLS_CERT_ALTNAME_INVALID"})
    void certificateFailuresCarryNodesCode(String server, String scenario, String expectedCode) {
        try (Peer peer = serverFor(server, scenario)) {
            Outcome node = nodeClient(peer.port(), true);
            assertEquals(new Outcome("error", expectedCode, node.message(), null, null), node, "Node's own outcome");
            Outcome jtls = jtlsClient(jtlsTo(peer.port()).build());
            assertEquals(node, withNodesMessage(jtls, node.message()));

            // rejectUnauthorized false: connected, with the same authorizationError.
            Outcome nodeLenient = nodeClient(peer.port(), false);
            assertEquals(new Outcome("secureConnect", null, null, false, expectedCode), nodeLenient);
            assertEquals(nodeLenient, jtlsClient(jtlsTo(peer.port()).rejectUnauthorized(false).build()));
        }
    }

    /** ECONNREFUSED: nothing listens on the port. */
    @ParameterizedTest(name = "{0}")
    @CsvSource("ECONNREFUSED")
    void connectionRefused(String expectedCode) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Outcome node = nodeClient(port, true);
        assertEquals(expectedCode, node.code());
        assertEquals(node, jtlsClient(jtlsTo(port).build()));
    }

    /**
     * ECONNRESET: a TCP server that reads the ClientHello and then closes (FIN: Node's "Client
     * network socket disconnected before secure TLS connection was established") or resets the
     * connection (RST: "read ECONNRESET").
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"close, ECONNRESET", "reset, ECONNRESET", "immediate-close, ECONNRESET"})
    void connectionClosedDuringTheHandshake(String how, String expectedCode) throws IOException {
        try (HangingUpServer server = new HangingUpServer(how)) {
            Outcome node = nodeClient(server.port(), true);
            assertEquals(expectedCode, node.code(), String.valueOf(node));
            assertEquals(node, jtlsClient(jtlsTo(server.port()).build()));
        }
    }

    /** Accepts connections and hangs up on each: after the ClientHello (close or RST) or at once. */
    static final class HangingUpServer implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

        HangingUpServer(String how) throws IOException {
            Thread t = new Thread(() -> {
                while (!listener.isClosed()) {
                    try (Socket s = listener.accept()) {
                        if (!how.equals("immediate-close")) {
                            readRecord(s.getInputStream());
                        }
                        if (how.equals("reset")) {
                            s.setSoLinger(true, 0);
                        }
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "hanging-up-server");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        /** Reads one TLS record (the ClientHello): header then body. */
        private static void readRecord(InputStream in) throws IOException {
            byte[] header = in.readNBytes(5);
            if (header.length == 5) {
                in.readNBytes(((header[3] & 0xff) << 8) | (header[4] & 0xff));
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
