package io.jtls.interop;

import static io.jtls.interop.InteropCerts.*;
import static io.jtls.interop.JtlsPeer.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.TlsServer;
import io.jtls.TlsSocket;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import io.jtls.support.NativeLeakCheck;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A server that requires client certificates ({@code requestCert} and {@code rejectUnauthorized})
 * and gets one from a CA it does not trust. Node's server accepts the certificate during the
 * handshake and destroys the socket once the handshake completed (its {@code onServerSocketSecure}):
 * the server hears {@code tlsClientError} ECONNRESET "socket hang up"; the client, on TLS 1.2,
 * never sees the server's Finished ({@code 'end'}, then ECONNRESET "Client network socket
 * disconnected before secure TLS connection was established"), and on TLS 1.3, secure already
 * after the server's Finished, sees {@code 'secureConnect'}, {@code 'end'} and a clean close.
 * The jtls client against the Node server, and the jtls client against the jtls server, must
 * hear what the Node client hears from the Node server.
 */
class UntrustedClientCertificateParityTest {
    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    @TempDir
    static Path dir;
    static Path rootCa;
    static PemFiles serverPems;
    static PemFiles untrustedClient;

    @BeforeAll
    static void writePems() {
        rootCa = writeCa(dir, "root", ROOT);
        serverPems = write(dir, "server-ec", SERVER_EC);
        untrustedClient = write(dir, "untrusted", UNTRUSTED_LEAF);
    }

    /** Node's client, as events of tls-client.js: secureConnect, end (its "received"), error:CODE:message, close. */
    private static List<String> nodeClientEvents(int port, String version) {
        try (NodePeer node = NodePeer.client(Config.of("port", port, "ca", rootCa, "servername", "localhost",
                "cert", untrustedClient.cert(), "key", untrustedClient.key(), "maxVersion", version,
                "endImmediately", false))) {
            node.await("close");
            List<String> events = new ArrayList<>();
            for (Map<String, Object> e : node.events()) {
                switch ((String) e.get("event")) {
                    case "secureConnect" -> events.add("secureConnect");
                    case "received" -> events.add("end");
                    case "error" -> events.add("error:" + e.get("code") + ":" + e.get("message"));
                    case "close" -> events.add("close");
                    default -> { } // session tickets and the like: not what this test compares
                }
            }
            return events;
        }
    }

    private static List<String> jtlsClientEvents(int port, String version) {
        List<String> events = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        connect(clientTo(port).cert(UNTRUSTED_LEAF.chainPem()).key(UNTRUSTED_LEAF.privateKeyPem())
                .maxVersion(version).build(), s -> {
                    s.on(TlsSocket.SECURE_CONNECT, () -> events.add("secureConnect"));
                    s.on(Duplex.END, () -> events.add("end"));
                    s.on(EventEmitter.ERROR, e -> events.add("error:" + code(e) + ":" + e.getMessage()));
                    s.on(Duplex.CLOSE, hadError -> {
                        events.add("close");
                        closed.complete(null);
                    });
                });
        await(closed);
        return events;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"TLSv1.2", "TLSv1.3"})
    void theClientHearsWhatANodeClientHearsFromANodeServer(String version) {
        List<String> nodeFromNode;
        List<String> jtlsFromNode;
        String nodeServerError;
        try (NodePeer nodeServer = NodePeer.server(Config.of("key", serverPems.key(), "cert", serverPems.cert(),
                "ca", rootCa, "requestCert", true, "rejectUnauthorized", true, "maxVersion", version))) {
            nodeFromNode = nodeClientEvents(nodeServer.port(), version);
            Map<String, Object> error = nodeServer.await("tlsClientError");
            nodeServerError = error.get("code") + ":" + error.get("message");
            jtlsFromNode = jtlsClientEvents(nodeServer.port(), version);
        }
        assertEquals(nodeFromNode, jtlsFromNode, "the jtls client against the Node server");
        assertEquals("ECONNRESET:socket hang up", nodeServerError);

        CompletableFuture<String> serverError = new CompletableFuture<>();
        List<String> secured = new CopyOnWriteArrayList<>();
        TlsServer server = io.jtls.Tls.createServer(serverWith(SERVER_EC).requestCert(true).rejectUnauthorized(true)
                .ca(ROOT.certificatePem()).maxVersion(version).build(), s -> secured.add("secureConnection"));
        server.on(TlsServer.TLS_CLIENT_ERROR, (e, s) -> serverError.complete(code(e) + ":" + e.getMessage()));
        try {
            int port = listen(server);
            assertEquals(nodeFromNode, jtlsClientEvents(port, version), "the jtls client against the jtls server");
            assertEquals(nodeServerError, await(serverError), "the jtls server's tlsClientError");
            assertEquals(List.of(), secured);
            // And the Node client against the jtls server hears the same as from the Node server.
            assertEquals(nodeFromNode, nodeClientEvents(port, version), "the Node client against the jtls server");
        } finally {
            close(server);
        }
    }
}
