package io.jtls.internal.engine;

import static io.jtls.internal.engine.TestPki.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Key log lines carry the client random that went over the wire and the labels Wireshark
 * expects; a connection that did not ask keeps none; the trace prints every message.
 */
class EngineDiagnosticsTest {

    /** Runs a handshake, reading the client random out of the ClientHello as it leaves the client. */
    private static byte[] handshakeSeeingTheRandom(EnginePair pair) {
        pair.client.handshake();
        ByteBuffer wire = ByteBuffer.allocate(64 * 1024);
        pair.client.encOut(wire);
        wire.flip();
        // record header (5) + handshake header (4) + legacy_version (2), then the 32-byte random
        assertEquals(22, wire.get(0), "a handshake record");
        assertEquals(1, wire.get(5), "a ClientHello");
        byte[] random = new byte[32];
        wire.get(11, random);
        pair.server.encIn(wire);
        pair.server.handshake();
        pair.handshake();
        return random;
    }

    private static List<String> lines(TlsEngine engine) {
        List<String> out = new ArrayList<>();
        List<byte[]> lines = engine.takeKeylogLines();
        if (lines != null) {
            for (byte[] line : lines) {
                String text = new String(line, StandardCharsets.ISO_8859_1);
                assertTrue(text.endsWith("\n"), "each line ends in a newline, as Node's");
                out.add(text.substring(0, text.length() - 1));
            }
        }
        return out;
    }

    /** Checks the NSS key log format: LABEL, the client random in hex, a secret in hex. */
    private static Set<String> labels(List<String> lines, byte[] random) {
        Set<String> labels = new TreeSet<>();
        String hex = HexFormat.of().formatHex(random);
        for (String line : lines) {
            String[] parts = line.split(" ");
            assertEquals(3, parts.length, line);
            assertEquals(hex, parts[1], "the handshake's client random: " + line);
            assertTrue(parts[2].matches("[0-9a-f]{64,}"), line);
            labels.add(parts[0]);
        }
        return labels;
    }

    @Test
    void tls13LogsItsFiveSecretsWithTheClientRandom() {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
             var clientCtx = TestContexts.builder().ca(ROOT).build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.client.enableKeylog();
            pair.server.enableKeylog();
            byte[] random = handshakeSeeingTheRandom(pair);
            assertArrayEquals(random, pair.client.clientRandom());
            assertArrayEquals(random, pair.server.clientRandom());
            List<String> client = lines(pair.client);
            List<String> server = lines(pair.server);
            Set<String> expected = Set.of("CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                    "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET");
            assertEquals(expected, labels(client, random));
            assertEquals(5, client.size());
            assertEquals(new TreeSet<>(client), new TreeSet<>(server), "both sides derive the same secrets");
            assertNull(pair.client.takeKeylogLines(), "taken once");
        }
    }

    @Test
    void tls12LogsTheMasterSecretUnderClientRandom() {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
             var clientCtx = TestContexts.builder().ca(ROOT).maxVersion("TLSv1.2").build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.client.enableKeylog();
            pair.server.enableKeylog();
            byte[] random = handshakeSeeingTheRandom(pair);
            List<String> client = lines(pair.client);
            assertEquals(Set.of("CLIENT_RANDOM"), labels(client, random));
            assertEquals(1, client.size());
            assertEquals(client, lines(pair.server));
            assertTrue(client.getFirst().matches("CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}"), "a 48-byte master secret");
        }
    }

    @Test
    void aConnectionThatDidNotAskKeepsNoLines() {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
             var clientCtx = TestContexts.builder().ca(ROOT).build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.server.enableKeylog();
            pair.handshake();
            assertNull(pair.client.takeKeylogLines());
            assertEquals(5, lines(pair.server).size(), "the other side of the same handshake did ask");
        }
    }

    @Test
    void theTracePrintsEachMessage() {
        assumeTraceAvailable();
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
             var clientCtx = TestContexts.builder().ca(ROOT).build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.client.enableTrace();
            assertNull(pair.server.takeTrace(), "not traced");
            pair.handshake();
            String trace = pair.client.takeTrace();
            assertNotNull(trace);
            for (String message : List.of("Sent Record", "Received Record", "ClientHello", "ServerHello", "Finished")) {
                assertTrue(trace.contains(message), message + " in:\n" + trace);
            }
            assertNull(pair.client.takeTrace(), "drained");
            pair.send(pair.client, pair.server, "hello".getBytes(StandardCharsets.UTF_8));
            assertTrue(pair.client.takeTrace().contains("ApplicationData"));
        }
    }

    private static void assumeTraceAvailable() {
        org.junit.jupiter.api.Assumptions.assumeTrue(TlsEngine.traceAvailable(), "libssl without SSL_trace");
    }
}
