package io.jtls.interop;

import static io.jtls.interop.InteropCerts.*;
import static io.jtls.interop.JtlsPeer.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.Tls;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.error.TlsException;
import io.jtls.support.ExternalProcess;
import io.jtls.support.JsJson;
import io.jtls.support.NativeLeakCheck;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Node's {@code ALPNCallback} server option: a jtls server and a Node v20 server given the same
 * callback, each with the same Node client (node/alpn-callback-peer.js), must agree on what the
 * callback was asked, what was selected, and how refusals and bad answers fail on both ends;
 * and {@code openssl s_client -alpn}.
 */
class AlpnCallbackInteropTest {
    @TempDir
    static Path dir;
    static PemFiles server;

    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    @BeforeAll
    static void writePems() {
        server = write(dir, "server", SERVER_EC);
    }

    private static ExternalProcess node(Map<String, Object> config) {
        return ExternalProcess.start(List.of("node", NodePeer.script("alpn-callback-peer.js"), JsJson.stringify(config)));
    }

    private static Map<String, Object> awaitEvent(ExternalProcess node, String... names) {
        List<String> wanted = List.of(names);
        return MiniJson.objectOrNull(node.awaitLine(line -> {
            Map<String, Object> event = MiniJson.objectOrNull(line);
            return event != null && wanted.contains(String.valueOf(event.get("event")));
        }, TIMEOUT));
    }

    /** "alpn X" (X false when none was selected), or "error CODE" (the message when there is no code, or for Node's own codes). */
    private static String nodeOutcome(ExternalProcess node, String secureEvent, String errorEvent) {
        Map<String, Object> e = awaitEvent(node, secureEvent, errorEvent);
        if (secureEvent.equals(e.get("event"))) {
            return "alpn " + e.get("alpn");
        }
        Object code = e.get("code");
        return code == null ? "error " + e.get("message")
                : String.valueOf(code).startsWith("ERR_TLS_") ? "error " + code + ": " + e.get("message") : "error " + code;
    }

    private static String jtlsOutcome(Throwable e) {
        if (e instanceof TlsException t) {
            return t.code().startsWith("ERR_TLS_") ? "error " + t.code() + ": " + t.getMessage() : "error " + t.code();
        }
        return "error " + e.getMessage();
    }

    /** The callback of alpn-callback-peer.js, in Java. */
    private static String answer(String answer, List<String> protocols) {
        return switch (answer) {
            case "first" -> protocols.get(0);
            case "second" -> protocols.get(1);
            case "none" -> null;
            case "invalid" -> "not-offered";
            default -> throw new IllegalStateException("alpn boom");
        };
    }

    private static Map<String, Object> nodeClient(int port, String protocols) {
        Map<String, Object> cfg = Config.of("role", "client", "port", port, "servername", "foo.example");
        if (!protocols.isEmpty()) {
            cfg.put("protocols", List.of(protocols.split(" ")));
        }
        return cfg;
    }

    /** What the callback was asked, as "servername [protocols]", or "not asked". */
    private static String asked(ExternalProcess nodeServer) {
        return nodeServer.output().lines().map(MiniJson::objectOrNull)
                .filter(e -> e != null && "alpnCallback".equals(e.get("event")))
                .map(e -> e.get("servername") + " " + e.get("protocols")).findFirst().orElse("not asked");
    }

    @ParameterizedTest(name = "{0}, client offers [{1}]")
    @CsvSource({"second, a b", "first, h2 http/1.1", "none, a b", "invalid, a b", "throw, a b", "second, ''"})
    void jtlsServerAnswersAsNodeServer(String answer, String offered) {
        // The reference: a Node server with the callback.
        String nodeClientSees;
        String nodeServerSees;
        String nodeAsked;
        try (ExternalProcess nodeServer = node(Config.of("role", "server", "key", server.key(), "cert", server.cert(),
                "answer", answer))) {
            int port = ((Number) awaitEvent(nodeServer, "listening").get("port")).intValue();
            try (ExternalProcess client = node(nodeClient(port, offered))) {
                nodeClientSees = nodeOutcome(client, "secureConnect", "error");
                nodeServerSees = nodeOutcome(nodeServer, "secureConnection", "tlsClientError");
                nodeAsked = asked(nodeServer);
            }
        }

        // The same client against a jtls server with the same callback.
        List<String> jtlsAsked = new CopyOnWriteArrayList<>();
        CompletableFuture<String> serverSees = new CompletableFuture<>();
        TlsServer jtls = Tls.createServer(serverWith(SERVER_EC).alpnCallback((servername, protocols) -> {
            jtlsAsked.add(servername + " " + protocols);
            return answer(answer, protocols);
        }).build(), s -> {
            serverSees.complete("alpn " + (s.alpnProtocol() == null ? "false" : s.alpnProtocol()));
            s.end();
        });
        jtls.on(TlsServer.TLS_CLIENT_ERROR, (error, socket) -> serverSees.complete(jtlsOutcome(error)));
        try (ExternalProcess client = node(nodeClient(listen(jtls), offered))) {
            assertEquals(nodeClientSees, nodeOutcome(client, "secureConnect", "error"), "Node client vs jtls server");
            assertEquals(nodeServerSees, await(serverSees), "jtls server");
            assertEquals(nodeAsked, jtlsAsked.isEmpty() ? "not asked" : jtlsAsked.getFirst());
            assertTrue(jtlsAsked.size() <= 1, jtlsAsked.toString());
        } finally {
            JtlsPeer.close(jtls);
        }
    }

    @Test
    void opensslClientGetsTheChosenProtocol() {
        List<String> asked = new CopyOnWriteArrayList<>();
        TlsServer jtls = Tls.createServer(serverWith(SERVER_EC).alpnCallback((servername, protocols) -> {
            asked.add(servername + " " + protocols);
            return protocols.getLast();
        }).build(), s -> s.end());
        try (OpenSslPeer client = OpenSslPeer.client(listen(jtls),
                List.of("-alpn", "h2,http/1.1,spdy/3", "-servername", "alpha.test"))) {
            assertEquals("ALPN protocol: spdy/3", client.awaitLine("^ALPN protocol: .*"));
            assertEquals(List.of("alpha.test [h2, http/1.1, spdy/3]"), asked);
        } finally {
            JtlsPeer.close(jtls);
        }
    }

    @Test
    void callbackAndProtocolsAreMutuallyExclusiveAsInNode() throws Exception {
        ExternalProcess node = ExternalProcess.start(List.of("node", "-e", "try { require('tls').createServer("
                + "{ ALPNCallback() {}, ALPNProtocols: ['a'] }) } catch (e) { console.log(JSON.stringify("
                + "{ event: 'thrown', code: e.code, message: e.message })) }"));
        try (node) {
            Map<String, Object> thrown = awaitEvent(node, "thrown");
            TlsException e = assertThrows(TlsException.class, () -> TlsServerOptions.builder()
                    .alpnCallback((name, protocols) -> null).alpnProtocols("a").build());
            assertEquals(thrown.get("code"), e.code());
            assertEquals(thrown.get("message"), e.getMessage());
        }
    }
}
