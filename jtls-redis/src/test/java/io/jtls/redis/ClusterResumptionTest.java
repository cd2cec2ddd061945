package io.jtls.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.Tls;
import io.jtls.TlsConnectOptions;
import io.jtls.TlsSocket;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import io.jtls.pki.HeldCertificate;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.RedisClient;

/**
 * Node's cluster promise, across real processes: "two jtls server processes with shared ticket
 * keys or a shared Redis store resume each other's sessions". Two child JVMs
 * ({@link ResumptionServerMain}, the same command line, so the same default
 * {@code sessionIdContext}, as cluster workers) each run four echo servers: shared
 * {@code ticketKeys}, their own random keys, a {@link RedisSessionStore} and a ticket key ring
 * shared through {@link RedisTicketKeyRing}, all on one real redis-server. A client (jtls in
 * this JVM, or Node's tls) makes a full handshake with process A, takes the session from its
 * {@code 'session'} event and offers it to process B. Both sides' {@code isSessionReused()}
 * are checked: the client's, and the server's, which each server sends as its first line.
 */
class ClusterResumptionTest {
    private static final List<String> VERSIONS = List.of("TLSv1.2", "TLSv1.3");
    private static final int TICKETS = 0;
    private static final int OWN_KEYS = 1;
    private static final int STORE = 2;
    private static final int RING = 3;

    private static Path dir;
    private static HeldCertificate root;
    private static RedisServer redis;
    private static ServerProcess a;
    private static ServerProcess b;
    private static List<Integer> portsA;
    private static List<Integer> portsB;

    private long nativeStart;

    @BeforeAll
    static void startCluster() throws Exception {
        dir = Files.createTempDirectory("jtls-cluster-");
        root = HeldCertificate.builder().commonName("Cluster Test Root").certificateAuthority(0).build();
        HeldCertificate leaf = HeldCertificate.builder().commonName("localhost")
                .addSubjectAltName("localhost").addSubjectAltName("127.0.0.1").signedBy(root).build();
        Files.writeString(dir.resolve("ca.pem"), root.certificatePem());
        Files.writeString(dir.resolve("cert.pem"), leaf.chainPem());
        Files.writeString(dir.resolve("key.pem"), leaf.privateKeyPem());
        redis = RedisServer.start();

        byte[] sharedKeys = new byte[48];
        new SecureRandom().nextBytes(sharedKeys);
        List<String> args = List.of("0", dir.resolve("cert.pem").toString(), dir.resolve("key.pem").toString(),
                "TLSv1.3", "ticketKeys:" + HexFormat.of().formatHex(sharedKeys), "ownKeys",
                "redisStore:" + redis.port(), "redisRing:" + redis.port());
        a = ServerProcess.start("A", args); // both JVMs start at once
        b = ServerProcess.start("B", args);
        portsA = a.awaitPorts(4);
        portsB = b.awaitPorts(4);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {a, b, redis}) {
            if (closeable != null) {
                closeable.close();
            }
        }
        if (dir != null) {
            for (String file : List.of("ca.pem", "cert.pem", "key.pem")) {
                Files.deleteIfExists(dir.resolve(file));
            }
            Files.deleteIfExists(dir);
        }
    }

    @BeforeEach
    void countNatives() {
        nativeStart = NativeKind.liveTotal();
    }

    @AfterEach
    void nativesFreed() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (NativeKind.liveTotal() != nativeStart && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(nativeStart, NativeKind.liveTotal(), "the clients' native objects were freed");
    }

    // ---- jtls client ----

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void sharedTicketKeysResumeAcrossProcessesBothWays(String version) {
        Visit full = visit(portsA.get(TICKETS), version, null);
        full.assertFull(version);
        Visit onB = visit(portsB.get(TICKETS), version, full.session());
        onB.assertResumed(version);

        Visit fromB = visit(portsB.get(TICKETS), version, null);
        fromB.assertFull(version);
        visit(portsA.get(TICKETS), version, fromB.session()).assertResumed(version);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void aSharedRedisStoreResumesSessionIdsAndStatefulTicketsAcrossProcesses(String version) {
        try (RedisClient client = redis.client()) {
            long before = storedSessions(client);
            Visit full = visit(portsA.get(STORE), version, null);
            full.assertFull(version);
            assertTrue(storedSessions(client) > before, "process A put its sessions into Redis");
            visit(portsB.get(STORE), version, full.session()).assertResumed(version);

            Visit fromB = visit(portsB.get(STORE), version, null);
            fromB.assertFull(version);
            visit(portsA.get(STORE), version, fromB.session()).assertResumed(version);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void serversWithDifferentTicketKeysDoNotResumeEachOther(String version) {
        Visit full = visit(portsA.get(OWN_KEYS), version, null);
        full.assertFull(version);
        Visit onB = visit(portsB.get(OWN_KEYS), version, full.session());
        onB.assertFull(version); // no error: a ticket B cannot open just means a full handshake
        assertFalse(onB.sessions().isEmpty(), "B gave the client a session of its own");
        visit(portsB.get(OWN_KEYS), version, onB.session()).assertResumed(version);
        visit(portsA.get(OWN_KEYS), version, full.session()).assertResumed(version);
    }

    /**
     * One shared ring over the whole life of its keys: published by A, followed by B; rotated
     * by A (B opens the new key's tickets once it has synced, and old tickets all along); the old
     * key retired on both after {@code decryptLifetime} (full handshakes, no error). TLS 1.2 and
     * 1.3 tickets side by side, as the ring's state only moves forward.
     */
    @Test
    void aSharedRingRotatedInOneProcessKeepsOldTicketsUntilRetiredOnBoth() {
        String published = a.command("sync");
        assertTrue(published.startsWith("synced INITIALIZED "), published);
        String keyOne = lastWord(published);
        assertEquals("synced FOLLOWED " + keyOne, b.command("sync"));

        Map<String, Visit> sealedByOne = new HashMap<>();
        for (String version : VERSIONS) {
            Visit full = visit(portsA.get(RING), version, null);
            full.assertFull(version);
            sealedByOne.put(version, full);
            visit(portsB.get(RING), version, full.session()).assertResumed(version);
        }

        String rotated = a.command("rotate");
        assertTrue(rotated.startsWith("rotated 1 "), rotated);
        String keyTwo = lastWord(rotated);
        assertNotEquals(keyOne, keyTwo);
        Map<String, Visit> sealedByTwo = new HashMap<>();
        for (String version : VERSIONS) {
            Visit full = visit(portsA.get(RING), version, null);
            full.assertFull(version);
            sealedByTwo.put(version, full);
            visit(portsB.get(RING), version, full.session()).assertFull(version); // B has not synced yet
        }
        assertEquals("synced FOLLOWED " + keyTwo, b.command("sync"));
        for (String version : VERSIONS) {
            visit(portsB.get(RING), version, sealedByTwo.get(version).session()).assertResumed(version);
            Visit old = visit(portsB.get(RING), version, sealedByOne.get(version).session());
            old.assertResumed(version); // the previous key still opens its tickets
            if (version.equals("TLSv1.3")) { // TLS 1.2 renews too, but OpenSSL (so Node) emits no 'session' when resumed
                assertFalse(old.sessions().isEmpty(), "a TLS 1.3 client gets a ticket sealed with the new key");
            }
            visit(portsA.get(RING), version, sealedByOne.get(version).session()).assertResumed(version);
        }

        String later = "advance " + ResumptionServerMain.DECRYPT_LIFETIME.plusMinutes(1);
        a.command(later);
        b.command(later);
        for (String version : VERSIONS) {
            visit(portsA.get(RING), version, sealedByOne.get(version).session()).assertFull(version);
            visit(portsB.get(RING), version, sealedByOne.get(version).session()).assertFull(version);
            visit(portsB.get(RING), version, sealedByTwo.get(version).session()).assertResumed(version);
        }
    }

    // ---- Node's client ----

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void nodeClientsResumeAcrossProcessesTooAndNotAcrossOtherKeys(String version) throws Exception {
        List<int[]> pairs = List.of(
                new int[] {portsA.get(TICKETS), portsB.get(TICKETS)},
                new int[] {portsB.get(STORE), portsA.get(STORE)},
                new int[] {portsA.get(OWN_KEYS), portsB.get(OWN_KEYS)});
        List<Visit> visits = nodeVisits(version, pairs);
        assertEquals(6, visits.size(), visits.toString());
        for (int i = 0; i < 6; i += 2) {
            visits.get(i).assertFull(version);
            assertFalse(visits.get(i).sessions().isEmpty(), "Node's client got a session: " + visits.get(i));
        }
        visits.get(1).assertResumed(version);
        visits.get(3).assertResumed(version);
        visits.get(5).assertFull(version);
    }

    // ---- helpers ----

    /** What one connection saw: the client's {@code isSessionReused()}, the server's line, the sessions. */
    record Visit(int port, Boolean reused, String serverLine, List<byte[]> sessions, String error) {
        byte[] session() {
            assertFalse(sessions.isEmpty(), "no 'session' event: " + this);
            return sessions.getLast();
        }

        void assertFull(String version) {
            assertNull(error, this::toString);
            assertEquals(Boolean.FALSE, reused, "client: full handshake expected: " + this);
            assertEquals("reused=false " + version, serverLine, "server: full handshake expected: " + this);
        }

        void assertResumed(String version) {
            assertNull(error, this::toString);
            assertEquals(Boolean.TRUE, reused, "client: resumption expected: " + this);
            assertEquals("reused=true " + version, serverLine, "server: resumption expected: " + this);
        }

        @Override
        public String toString() {
            return "Visit[port=" + port + ", reused=" + reused + ", server='" + serverLine + "', sessions="
                    + sessions.size() + ", error=" + error + "]" + a.stderrText() + b.stderrText();
        }
    }

    /**
     * Connects with jtls, offering {@code session} when not null; reads the server's line, ends,
     * and waits for {@code 'close'} (by then every ticket sent before the line has arrived).
     */
    private static Visit visit(int port, String version, byte[] session) {
        List<byte[]> sessions = new CopyOnWriteArrayList<>();
        StringBuilder text = new StringBuilder();
        CompletableFuture<String> line = new CompletableFuture<>();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        Boolean[] reused = {null};
        String[] error = {null};
        TlsConnectOptions options = TlsConnectOptions.builder().host("127.0.0.1").port(port)
                .servername("localhost").ca(root.certificatePem()).maxVersion(version).session(session).build();
        Tls.connect(options, (TlsSocket s) -> {
            s.on(TlsSocket.SECURE_CONNECT, () -> reused[0] = s.isSessionReused());
            s.on(TlsSocket.SESSION, sessions::add);
            s.on(Duplex.DATA, data -> {
                text.append(StandardCharsets.UTF_8.decode(data));
                int nl = text.indexOf("\n");
                if (nl >= 0 && line.complete(text.substring(0, nl))) {
                    s.end();
                }
            });
            s.on(EventEmitter.ERROR, e -> error[0] = e instanceof io.jtls.error.TlsException t ? t.code() : e.toString());
            s.on(Duplex.CLOSE, hadError -> closed.complete(null));
        }, null);
        try {
            closed.get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("connection to " + port + " did not close" + a.stderrText() + b.stderrText(), e);
        }
        return new Visit(port, reused[0], line.getNow(null), List.copyOf(sessions), error[0]);
    }

    private static final Pattern NODE_FIELDS = Pattern.compile(
            "\\{\"port\":(\\d+),\"reused\":(true|false|null),\"server\":(?:\"([^\"]*)\"|null),"
                    + "\"sessions\":(\\d+),\"error\":(?:\"([^\"]*)\"|null)}");

    /** Runs cluster-client.js over {@code pairs}; sessions are counted, not kept (Node keeps them). */
    private static List<Visit> nodeVisits(String version, List<int[]> pairs)
            throws IOException, InterruptedException, URISyntaxException {
        Path script = Path.of(ClusterResumptionTest.class.getResource("/node/cluster-client.js").toURI());
        StringBuilder json = new StringBuilder("{\"ca\":\"" + dir.resolve("ca.pem") + "\",\"maxVersion\":\""
                + version + "\",\"pairs\":[");
        for (int i = 0; i < pairs.size(); i++) {
            json.append(i == 0 ? "" : ",").append('[').append(pairs.get(i)[0]).append(',').append(pairs.get(i)[1]).append(']');
        }
        json.append("]}");
        Process node = new ProcessBuilder("node", script.toString(), json.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        node.getOutputStream().close();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(node.waitFor(30, TimeUnit.SECONDS), "node ended");
        assertEquals(0, node.exitValue(), "node's exit status; output:\n" + out);
        List<Visit> visits = new ArrayList<>();
        for (String row : out.strip().split("\n")) {
            Matcher m = NODE_FIELDS.matcher(row);
            assertTrue(m.matches(), "unexpected line from node: " + row);
            List<byte[]> sessions = new ArrayList<>();
            for (int i = Integer.parseInt(m.group(4)); i > 0; i--) {
                sessions.add(new byte[0]);
            }
            visits.add(new Visit(Integer.parseInt(m.group(1)),
                    m.group(2).equals("null") ? null : Boolean.valueOf(m.group(2)), m.group(3), sessions, m.group(5)));
        }
        return visits;
    }

    private static long storedSessions(RedisClient client) {
        return client.keys(RedisSessionStore.DEFAULT_KEY_PREFIX + "*").size();
    }

    private static String lastWord(String line) {
        return line.substring(line.lastIndexOf(' ') + 1);
    }
}
