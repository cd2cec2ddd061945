package io.jtls.interop;

import static io.jtls.interop.JtlsPeer.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.PskIdentity;
import io.jtls.Tls;
import io.jtls.TlsConnectOptions;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.TlsSocket;
import io.jtls.error.TlsException;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import io.jtls.support.ExternalProcess;
import io.jtls.support.JsJson;
import io.jtls.support.NativeLeakCheck;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pre-shared keys (Node's {@code pskCallback}, {@code pskIdentityHint}): TLS 1.2 PSK suites and
 * TLS 1.3 external PSKs, with {@code openssl s_client -psk}/{@code s_server -psk -nocert} and with
 * Node v20 (node/psk-peer.js) on the other end, and the failures (wrong key, unknown identity, a
 * callback that throws) compared with Node against Node in the same run.
 */
class PskInteropTest {
    static final String KEY = "000102030405060708090a0b0c0d0e0f";
    static final String WRONG_KEY = "ff0102030405060708090a0b0c0d0e0f";
    static final String CIPHER = "PSK-AES128-GCM-SHA256";
    /**
     * A TLS 1.3 external PSK is used with SHA-256; OpenSSL, with a PSK callback and no certificate,
     * prefers the SHA-256 suites, and the first of those in the default order is ChaCha20.
     */
    static final String TLS13_OUTCOME = "secure TLSv1.3 TLS_CHACHA20_POLY1305_SHA256";

    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    /** What a callback answers: the key, null (unknown identity / no PSK), or an exception. */
    enum Answer { KEY, NULL, THROW }

    private static byte[] key(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    private static <T> T answer(Answer answer, T value) {
        return switch (answer) {
            case KEY -> value;
            case NULL -> null;
            case THROW -> throw new IllegalStateException("psk boom");
        };
    }

    /** How one side of a connection ended: "secure <protocol> <cipher>" or "error <code>". */
    private static String failure(Throwable e) {
        return "error " + (e instanceof TlsException t ? t.code() : e.getMessage());
    }

    // ------------------------------------------------------------------ the jtls sides

    /** A jtls echo server with a pskCallback; records identities and the outcome of the first connection. */
    static final class PskServer implements AutoCloseable {
        final TlsServer server;
        final int port;
        final List<String> identities = new CopyOnWriteArrayList<>();
        final CompletableFuture<String> outcome = new CompletableFuture<>();

        PskServer(String version, Answer answer, String hint) {
            TlsServerOptions options = TlsServerOptions.builder().ciphers(CIPHER).minVersion(version).maxVersion(version)
                    .pskIdentityHint(hint)
                    .pskCallback((socket, identity) -> {
                        assertTrue(socket.isServer());
                        identities.add(identity);
                        return answer(answer, key(KEY));
                    }).build();
            server = Tls.createServer(options, s -> {
                outcome.complete("secure " + s.getProtocol() + " " + s.getCipher().name());
                s.pipe(s);
            });
            server.on(TlsServer.TLS_CLIENT_ERROR, (error, socket) -> outcome.complete(failure(error)));
            port = listen(server);
        }

        @Override
        public void close() {
            JtlsPeer.close(server);
        }
    }

    /** A jtls client with a pskCallback: sends "ping\n", ends once it is echoed; the outcome and the hints it saw. */
    record PskClient(CompletableFuture<String> outcome, List<String> hints, Text text) {}

    private static PskClient jtlsClient(int port, String version, String keyHex, Answer answer,
                                        Function<TlsSocket, Void> onSecure) {
        List<String> hints = new CopyOnWriteArrayList<>();
        CompletableFuture<String> outcome = new CompletableFuture<>();
        TlsConnectOptions options = TlsConnectOptions.builder().host("127.0.0.1").port(port)
                .ciphers(CIPHER).minVersion(version).maxVersion(version)
                .checkServerIdentity((host, cert) -> null) // no certificate with PSK, as Node documents
                .pskCallback(hint -> {
                    hints.add(String.valueOf(hint));
                    return answer(answer, new PskIdentity(key(keyHex), "id1"));
                }).build();
        Text[] text = new Text[1];
        connect(options, s -> {
            text[0] = new Text(s);
            s.on(TlsSocket.SECURE_CONNECT, () -> {
                outcome.complete("secure " + s.getProtocol() + " " + s.getCipher().name());
                onSecure.apply(s);
            });
            s.on(EventEmitter.ERROR, e -> outcome.complete(failure(e)));
            s.on(Duplex.CLOSE, hadError -> outcome.complete("closed"));
        });
        return new PskClient(outcome, hints, text[0]);
    }

    // ------------------------------------------------------------------ the openssl CLI

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void opensslClientToJtlsServer(String version) {
        try (PskServer server = new PskServer(version, Answer.KEY, "hint1");
             OpenSslPeer client = OpenSslPeer.client(server.port, version.equals("TLSv1.2")
                     ? List.of("-psk", KEY, "-psk_identity", "id1", "-tls1_2", "-cipher", CIPHER)
                     : List.of("-psk", KEY, "-psk_identity", "id1", "-tls1_3"))) {
            String expected = version.equals("TLSv1.2") ? "secure TLSv1.2 " + CIPHER : TLS13_OUTCOME;
            assertEquals(expected, await(server.outcome), client.output());
            client.write("hello over psk\n");
            client.awaitLine("^hello over psk$"); // echoed by the jtls server
            assertEquals(List.of("id1"), server.identities);
            client.closeStdin();
            client.waitFor();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void jtlsClientToOpensslServer(String version) {
        List<String> args = version.equals("TLSv1.2")
                ? List.of("-psk", KEY, "-psk_identity", "id1", "-psk_hint", "hint1", "-nocert", "-tls1_2", "-cipher", CIPHER)
                : List.of("-psk", KEY, "-psk_identity", "id1", "-nocert", "-tls1_3");
        try (OpenSslPeer server = OpenSslPeer.server(args)) {
            PskClient client = jtlsClient(server.port(), version, KEY, Answer.KEY, s -> {
                s.write("hello from jtls\n");
                return null;
            });
            String expected = version.equals("TLSv1.2") ? "secure TLSv1.2 " + CIPHER : TLS13_OUTCOME;
            assertEquals(expected, await(client.outcome()), server.output());
            server.awaitLine("^hello from jtls$");
            server.write("hello from openssl\n");
            client.text().await("hello from openssl\n");
            // TLS 1.2: the server's hint; TLS 1.3 has none (the callback is asked while the ClientHello is built).
            assertEquals(List.of(version.equals("TLSv1.2") ? "hint1" : "null"), client.hints());
        }
    }

    // ------------------------------------------------------------------ Node, and parity with Node

    /** node/psk-peer.js with {@code config}; prints one JSON event per line. */
    private static ExternalProcess node(Map<String, Object> config) {
        return ExternalProcess.start(List.of("node", NodePeer.script("psk-peer.js"), JsJson.stringify(config)));
    }

    private static Map<String, Object> awaitEvent(ExternalProcess node, String... names) {
        List<String> wanted = List.of(names);
        return MiniJson.objectOrNull(node.awaitLine(line -> {
            Map<String, Object> event = MiniJson.objectOrNull(line);
            return event != null && wanted.contains(String.valueOf(event.get("event")));
        }, TIMEOUT));
    }

    private static Map<String, Object> nodeConfig(String role, String version, String keyHex, Answer answer) {
        return Config.of("role", role, "key", keyHex, "identity", "id1", "hint", "hint1", "ciphers", CIPHER,
                "minVersion", version, "maxVersion", version, "answer", answer.name().toLowerCase());
    }

    /** The outcome a Node side printed: its secure event, or its error's code (its message when it has none). */
    private static String nodeOutcome(ExternalProcess node, String secureEvent, String errorEvent) {
        Map<String, Object> e = awaitEvent(node, secureEvent, errorEvent);
        if (secureEvent.equals(e.get("event"))) {
            return "secure " + e.get("protocol") + " " + e.get("cipher");
        }
        return "error " + (e.get("code") != null ? e.get("code") : e.get("message"));
    }

    private static int portOf(ExternalProcess server) {
        return ((Number) awaitEvent(server, "listening").get("port")).intValue();
    }

    /**
     * Each case three times in one run: Node client against Node server (the reference), Node
     * client against the jtls server, jtls client against the Node server; both sides' outcomes
     * must be Node's. The client offers {@code clientKey}; each side's callback answers as told.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "TLSv1.2, agreed", "TLSv1.2, wrong key", "TLSv1.2, unknown identity", "TLSv1.2, server throws", "TLSv1.2, client throws",
            "TLSv1.3, agreed", "TLSv1.3, wrong key", "TLSv1.3, unknown identity", "TLSv1.3, server throws", "TLSv1.3, client throws"})
    void outcomesAsNode(String version, String scenario) {
        String clientKey = scenario.equals("wrong key") ? WRONG_KEY : KEY;
        Answer serverAnswer = switch (scenario) {
            case "unknown identity" -> Answer.NULL;
            case "server throws" -> Answer.THROW;
            default -> Answer.KEY;
        };
        Answer clientAnswer = scenario.equals("client throws") ? Answer.THROW : Answer.KEY;

        // Node against Node.
        String nodeClientSees;
        String nodeServerSees;
        try (ExternalProcess server = node(nodeConfig("server", version, KEY, serverAnswer))) {
            Map<String, Object> cfg = nodeConfig("client", version, clientKey, clientAnswer);
            cfg.put("port", portOf(server));
            try (ExternalProcess client = node(cfg)) {
                nodeClientSees = nodeOutcome(client, "secureConnect", "error");
                nodeServerSees = nodeOutcome(server, "secureConnection", "tlsClientError");
            }
        }

        // A Node client against the jtls server.
        try (PskServer server = new PskServer(version, serverAnswer, "hint1")) {
            Map<String, Object> cfg = nodeConfig("client", version, clientKey, clientAnswer);
            cfg.put("port", server.port);
            try (ExternalProcess client = node(cfg)) {
                assertEquals(nodeClientSees, nodeOutcome(client, "secureConnect", "error"), "Node client vs jtls server");
                assertEquals(nodeServerSees, await(server.outcome), "jtls server");
                if (nodeClientSees.startsWith("secure")) {
                    awaitEvent(client, "echoed");
                }
            }
        }

        // The jtls client against a Node server.
        try (ExternalProcess server = node(nodeConfig("server", version, KEY, serverAnswer))) {
            PskClient client = jtlsClient(portOf(server), version, clientKey, clientAnswer, s -> {
                s.end("ping\n");
                return null;
            });
            assertEquals(nodeClientSees, await(client.outcome()), "jtls client vs Node server");
            assertEquals(nodeServerSees, nodeOutcome(server, "secureConnection", "tlsClientError"), "Node server");
        }
    }
}
