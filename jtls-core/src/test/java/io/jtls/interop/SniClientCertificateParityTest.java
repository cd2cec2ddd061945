package io.jtls.interop;

import static io.jtls.interop.InteropCerts.*;
import static io.jtls.interop.JtlsPeer.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.Tls;
import io.jtls.TlsServer;
import io.jtls.TlsSocket;
import io.jtls.context.SecureContextOptions;
import io.jtls.pki.HeldCertificate;
import io.jtls.support.NativeLeakCheck;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Client certificates on a name served by {@code addContext(name, {cert, key, ca})}: as Node's
 * {@code SetCACerts}, the SNI context's trust store verifies the client's certificate (and its CA
 * names are the ones the server asks for), whatever the default context trusts. Compared with a
 * Node server configured alike, for the same Node client, both ways round: the SNI context trusts
 * a CA the default context lacks, and the reverse.
 */
class SniClientCertificateParityTest {
    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    @TempDir
    static Path dir;
    static PemFiles serverPems;
    static PemFiles alpha;

    @BeforeAll
    static void writePems() {
        serverPems = write(dir, "server-ec", SERVER_EC);
        alpha = write(dir, "alpha", ALPHA);
    }

    private static HeldCertificate cert(String name) {
        return switch (name) {
            case "ROOT" -> ROOT;
            case "UNTRUSTED_ROOT" -> UNTRUSTED_ROOT;
            case "CLIENT" -> CLIENT;
            case "UNTRUSTED_LEAF" -> UNTRUSTED_LEAF;
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static Map<String, Object> to(int port, Map<String, Object> clientConfig) {
        Map<String, Object> config = new java.util.LinkedHashMap<>(clientConfig);
        config.put("port", port);
        return config;
    }

    /** What a server said of the client: authorized, and why not. */
    private static String verdict(Object authorized, Object authorizationError) {
        return authorized + "/" + authorizationError;
    }

    @ParameterizedTest(name = "{0}: default ca {1}, SNI ca {2}, client {3}: {4}")
    @CsvSource({
        "TLSv1.3, ROOT, UNTRUSTED_ROOT, UNTRUSTED_LEAF, true/null",
        "TLSv1.2, ROOT, UNTRUSTED_ROOT, UNTRUSTED_LEAF, true/null",
        "TLSv1.3, UNTRUSTED_ROOT, ROOT, CLIENT, true/null",
        "TLSv1.2, UNTRUSTED_ROOT, ROOT, CLIENT, true/null",
        "TLSv1.3, ROOT, UNTRUSTED_ROOT, CLIENT, false/SELF_SIGNED_CERT_IN_CHAIN",
        "TLSv1.2, ROOT, UNTRUSTED_ROOT, CLIENT, false/SELF_SIGNED_CERT_IN_CHAIN",
        "TLSv1.3, ROOT, ROOT, CLIENT, true/null",
    })
    void theSniContextsCaVerifiesTheClientAsInNode(String version, String defaultCa, String sniCa, String client,
            String expected) {
        Path defaultCaFile = writeCa(dir, "default-" + defaultCa, cert(defaultCa));
        Path sniCaFile = writeCa(dir, "sni-" + sniCa, cert(sniCa));
        PemFiles clientPems = write(dir, "client-" + client, cert(client));
        Map<String, Object> clientConfig = Config.of("ca", writeCa(dir, "root", ROOT), "servername", "alpha.test",
                "rejectUnauthorized", false, "cert", clientPems.cert(), "key", clientPems.key(), "maxVersion", version);

        String nodeVerdict;
        try (NodePeer nodeServer = NodePeer.server(Config.of("key", serverPems.key(), "cert", serverPems.cert(),
                "ca", defaultCaFile, "requestCert", true, "rejectUnauthorized", false, "maxVersion", version,
                "sniContexts", Config.of("alpha.test", Config.of("key", alpha.key(), "cert", alpha.cert(), "ca", sniCaFile))));
             NodePeer node = NodePeer.client(to(nodeServer.port(), clientConfig))) {
            Map<String, Object> saw = nodeServer.await("secureConnection");
            nodeVerdict = verdict(saw.get("authorized"), saw.get("authorizationError"));
            node.await("close");
        }
        assertEquals(expected, nodeVerdict, "Node's verdict (the SNI context's store decides)");

        CompletableFuture<String> jtlsVerdict = new CompletableFuture<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).requestCert(true).rejectUnauthorized(false)
                .ca(cert(defaultCa).certificatePem()).maxVersion(version).build(), (TlsSocket s) -> {
                    jtlsVerdict.complete(verdict(s.authorized(), s.authorizationError()));
                    s.end();
                });
        server.addContext("alpha.test", SecureContextOptions.builder().cert(ALPHA.chainPem())
                .key(ALPHA.privateKeyPem()).ca(cert(sniCa).certificatePem()).build());
        try (NodePeer node = NodePeer.client(to(listen(server), clientConfig))) {
            assertEquals(nodeVerdict, await(jtlsVerdict), "the jtls server's verdict on the client, Node's: " + nodeVerdict);
            node.await("close");
        } finally {
            close(server);
        }
    }
}
