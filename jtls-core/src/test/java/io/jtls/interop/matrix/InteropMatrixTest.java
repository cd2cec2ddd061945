package io.jtls.interop.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.interop.matrix.MatrixCerts.KeyType;
import io.jtls.interop.matrix.MatrixTable.Feature;
import io.jtls.interop.matrix.MatrixTable.Peer;
import io.jtls.support.NativeLeakCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interop matrix (issue 11): real client programs against jtls servers and jtls clients
 * against real server programs, × TLS 1.2 and 1.3 × RSA and ECDSA × ALPN, SNI, client
 * certificate and resumption. Each peer is one test; its four configurations run at once. The
 * run's table goes to {@code target/interop-matrix.md}, and the last test fails when the
 * README's table (between {@code <!-- interop begin -->} and {@code <!-- interop end -->})
 * differs from it: {@code scripts/interop-table.sh} copies it there.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InteropMatrixTest {
    @TempDir
    static Path dir;
    static final Map<KeyType, MatrixCerts> certs = new EnumMap<>(KeyType.class);
    static final Map<String, MatrixServer> servers = new LinkedHashMap<>();
    static final ExecutorService pool = Executors.newFixedThreadPool(4);

    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    @BeforeAll
    static void startServers() {
        for (KeyType t : KeyType.values()) {
            certs.put(t, new MatrixCerts(t, dir));
        }
        for (String v : MatrixTable.VERSIONS) {
            for (KeyType t : KeyType.values()) {
                servers.put(v + t, new MatrixServer(v, certs.get(t)));
            }
        }
    }

    @AfterAll
    static void stopServersAndWriteTable() {
        servers.values().forEach(MatrixServer::close);
        pool.shutdownNow();
        MatrixTable.write(Path.of("target", "interop-matrix.md"), MatrixTable.mergeWith(readmeSection()));
        MatrixTable.write(Path.of("target", "interop-matrix-log.txt"), String.join("\n", Verdict.transcript));
    }

    /** Runs {@code peer} in the four configurations at once against the jtls servers, records and checks the cells. */
    private static void againstJtlsServers(Peer peer, Function<MatrixServer, Map<Feature, String>> run) {
        each(peer, (v, t) -> run.apply(servers.get(v + t)));
    }

    private static void each(Peer peer, BiFunction<String, KeyType, Map<Feature, String>> run) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (String v : MatrixTable.VERSIONS) {
            for (KeyType t : KeyType.values()) {
                all.add(CompletableFuture.supplyAsync(() -> run.apply(v, t), pool)
                        .exceptionally(e -> Verdict.failed(String.valueOf(e.getCause() == null ? e : e.getCause())))
                        .thenAccept(cells -> MatrixTable.record(peer, v, t, cells)));
            }
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        List<String> failures = MatrixTable.failures(peer);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    @Order(1)
    void chromium() {
        Path chromium = ChromiumPeer.binary();
        Assumptions.assumeTrue(chromium != null,
                "chromium is not installed: its matrix rows are not checked (scripts/install-test-deps.sh installs it)");
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (String v : MatrixTable.VERSIONS) {
            all.add(CompletableFuture.runAsync(() -> ChromiumPeer.run(chromium, servers.get(v + KeyType.RSA),
                    servers.get(v + KeyType.ECDSA), dir).forEach((t, cells) -> MatrixTable.record(Peer.CHROMIUM, v, t, cells)), pool));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        List<String> failures = MatrixTable.failures(Peer.CHROMIUM);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    @Order(2)
    void curl() {
        againstJtlsServers(Peer.CURL, ClientPeers::curl);
    }

    @Test
    @Order(3)
    void gnutlsCli() {
        againstJtlsServers(Peer.GNUTLS_CLI, ClientPeers::gnutlsCli);
    }

    @Test
    @Order(4)
    void pythonClient() {
        againstJtlsServers(Peer.PYTHON_CLIENT, ClientPeers::python);
    }

    @Test
    @Order(5)
    void jdkHttpClient() {
        againstJtlsServers(Peer.JDK_HTTP_CLIENT, ClientPeers::jdkHttpClient);
    }

    @Test
    @Order(6)
    void jdkSslSocket() {
        againstJtlsServers(Peer.JDK_SSL_SOCKET, ClientPeers::jdkSslSocket);
    }

    @Test
    @Order(7)
    void gnutlsServ() {
        each(Peer.GNUTLS_SERV, (v, t) -> ServerPeers.gnutlsServ(v, certs.get(t)));
    }

    @Test
    @Order(8)
    void pythonServer() {
        each(Peer.PYTHON_SERVER, (v, t) -> ServerPeers.pythonServer(v, certs.get(t)));
    }

    @Test
    @Order(9)
    void jdkSslServerSocket() {
        each(Peer.JDK_SSL_SERVER_SOCKET, (v, t) -> ServerPeers.jsseServer(v, certs.get(t)));
    }

    /** The README shows what this run found (rows of peers that did not run are kept as they are). */
    @Test
    @Order(100)
    void readmeTableIsThisRunsTable() {
        String section = readmeSection();
        String table = MatrixTable.mergeWith(section);
        MatrixTable.write(Path.of("target", "interop-matrix.md"), table);
        assertEquals(table, section, "README.md's interop table differs from this run's "
                + "(jtls-core/target/interop-matrix.md): run scripts/interop-table.sh to copy it");
    }

    static String readmeSection() {
        try {
            return MatrixTable.section(Files.readString(Path.of("..", "README.md")));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
