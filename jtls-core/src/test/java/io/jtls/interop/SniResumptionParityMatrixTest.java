package io.jtls.interop;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jtls.interop.ParityClients.Ask;
import io.jtls.interop.ParityClients.Outcome;
import io.jtls.interop.ParityServers.Spec;
import io.jtls.pki.HeldCertificate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 7's "done means" matrix: TLS 1.2 and 1.3 x five ways a server picks its context x what
 * is negotiated (ALPN, ticket resumption, session-id resumption through
 * {@code newSession}/{@code resumeSession}), each cell asked of a jtls server and of a Node server
 * built from the same options and certificate files, by {@code openssl s_client} and by a Node
 * client. A cell passes when each client saw the same from both servers: the certificate (subject
 * CN), the protocol, the ALPN protocol of each connection, and which connections resumed. The
 * Node side is also checked against what Node is known to do, so a cell cannot pass with both
 * servers broken the same way.
 *
 * <p>TLS 1.3 with tickets is "TLS 1.3 resumption" (stateless tickets); TLS 1.3 with session ids
 * is {@code SSL_OP_NO_TICKET} (stateful tickets) with the listeners. Everything is asked once,
 * up front (one Node server process, one Node client process, s_client runs three at a time);
 * each cell then compares.
 */
class SniResumptionParityMatrixTest {
    /** How the server finds the context of a connection; the client asks for {@code servername}. */
    enum Selection {
        DEFAULT("default context", "alpha.test", ParityCerts.ALPHA, Group.STATIC),
        EXACT("addContext exact", "beta.test", ParityCerts.BETA, Group.STATIC),
        WILDCARD("addContext wildcard", "www.gamma.test", ParityCerts.GAMMA, Group.STATIC),
        SNI_CALLBACK("async SNICallback", "delta.test", ParityCerts.DELTA, Group.CALLBACK),
        REPLACED("setSecureContext", "epsilon.test", ParityCerts.EPSILON, Group.REPLACED);

        final String label;
        final String servername;
        final HeldCertificate expected;
        final Group group;

        Selection(String label, String servername, HeldCertificate expected, Group group) {
            this.label = label;
            this.servername = servername;
            this.expected = expected;
            this.group = group;
        }
    }

    /** Which server a selection is asked of: the three static ones share one. */
    enum Group {
        STATIC, CALLBACK, REPLACED;

        Spec spec(Feature feature) {
            Spec spec = Spec.of(name() + "-" + feature.name(), ParityCerts.ALPHA);
            spec = switch (this) {
                case STATIC -> spec.addContext("beta.test", ParityCerts.BETA).addContext("*.gamma.test", ParityCerts.GAMMA);
                case CALLBACK -> spec.sniCallback("delta.test", ParityCerts.DELTA);
                case REPLACED -> spec.replacedBy(ParityCerts.EPSILON);
            };
            return switch (feature) {
                case ALPN -> spec.alpn(List.of("h2", "http/1.1"));
                case TICKETS -> spec;
                case SESSION_IDS -> spec.sessionIds();
            };
        }
    }

    enum Feature {
        ALPN("ALPN h2"), TICKETS("ticket resumption"), SESSION_IDS("session-id resumption (newSession/resumeSession, no tickets)");

        final String label;

        Feature(String label) {
            this.label = label;
        }
    }

    record Cell(String version, Selection selection, Feature feature) {
        String id() {
            return version + "/" + selection + "/" + feature;
        }

        Ask ask(String side, int port) {
            return new Ask(id() + "/" + side, port, selection.servername, version,
                    feature == Feature.ALPN ? List.of("h2") : null, null, null, feature != Feature.ALPN);
        }

        /**
         * Which connections Node's server resumes, for s_client ({@code opensslConnections}
         * connections) or the Node client: the first is new, the others resume; except TLS 1.3
         * without tickets, which Node never resumes: its {@code resumeSession} is asked for the
         * ClientHello's session id (random in TLS 1.3), never for the stateful ticket.
         */
        String nodeReuse(int connections) {
            if (feature == Feature.ALPN) {
                return "N";
            }
            if (feature == Feature.SESSION_IDS && version.equals("TLSv1.3")) {
                return "N".repeat(connections);
            }
            return "N" + "R".repeat(connections - 1);
        }

        @Override
        public String toString() {
            return version + " · " + selection.label + " · " + feature.label;
        }
    }

    @TempDir
    static Path dir;
    private static ParityServers servers;
    private static ParityClients.Answers answers;

    static Stream<Cell> cells() {
        List<Cell> cells = new ArrayList<>();
        for (String version : List.of("TLSv1.2", "TLSv1.3")) {
            for (Selection selection : Selection.values()) {
                for (Feature feature : Feature.values()) {
                    cells.add(new Cell(version, selection, feature));
                }
            }
        }
        return cells.stream();
    }

    @BeforeAll
    static void askEveryCell() {
        List<Spec> specs = new ArrayList<>();
        for (Group group : Group.values()) {
            for (Feature feature : Feature.values()) {
                specs.add(group.spec(feature));
            }
        }
        servers = ParityServers.start(dir, specs);
        List<Ask> asks = new ArrayList<>();
        cells().forEach(cell -> {
            String server = cell.selection().group.name() + "-" + cell.feature().name();
            asks.add(cell.ask("jtls", servers.jtlsPort(server)));
            asks.add(cell.ask("node", servers.nodePort(server)));
        });
        answers = ParityClients.askAll(dir, asks);
    }

    @AfterAll
    static void closeServers() {
        if (servers != null) {
            servers.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cells")
    void jtlsNegotiatesAndResumesAsNode(Cell cell) {
        Outcome opensslNode = answers.openssl(cell.id(), "node");
        Outcome opensslJtls = answers.openssl(cell.id(), "jtls");
        Outcome nodeNode = answers.node(cell.id(), "node");
        Outcome nodeJtls = answers.node(cell.id(), "jtls");
        int opensslConnections = cell.feature() == Feature.ALPN ? 1
                : cell.version().equals("TLSv1.2") ? 6 : 1 + ParityClients.RECONNECTS;
        assertAll(cell.toString(),
                () -> assertSensible(cell, "s_client", opensslNode, opensslConnections),
                () -> assertSensible(cell, "Node client", nodeNode, 1 + (cell.feature() == Feature.ALPN ? 0 : ParityClients.RECONNECTS)),
                () -> assertEquals(expectedOfJtls(cell, opensslNode), opensslJtls.summary(), "s_client: jtls server vs Node server"),
                () -> assertEquals(expectedOfJtls(cell, nodeNode), nodeJtls.summary(), "Node client: jtls server vs Node server"));
    }

    /**
     * What the jtls server must answer: the Node server's answer, with one documented difference.
     * With tickets off, TLS 1.3 resumes through stateful tickets, whose identity jtls looks up with
     * 'resumeSession' as it does a TLS 1.2 session id; Node only ever asks for the ClientHello's
     * legacy session id, which in TLS 1.3 is random, so its listeners never resume TLS 1.3 and
     * every connection is a full handshake. Everything else in the cell (certificate, protocol,
     * ALPN) must still be Node's.
     */
    private static String expectedOfJtls(Cell cell, Outcome node) {
        if (cell.feature() == Feature.SESSION_IDS && cell.version().equals("TLSv1.3") && node.error() == null) {
            String resumed = "N" + "R".repeat(node.reuse().length() - 1);
            return new Outcome(node.cn(), node.protocol(), node.alpn(), resumed, null).summary();
        }
        return node.summary();
    }

    /** What Node's server does in this cell, so that a broken harness cannot make the cell pass. */
    private static void assertSensible(Cell cell, String client, Outcome nodeServer, int connections) {
        String what = client + " against the Node server";
        assertNull(nodeServer.error(), what);
        assertEquals(cell.selection().expected.commonName(), nodeServer.cn(), what + ": certificate");
        assertEquals(cell.version(), nodeServer.protocol(), what + ": protocol");
        assertEquals(cell.nodeReuse(connections), nodeServer.reuse(), what + ": new (N) and resumed (R) connections");
        String alpn = cell.feature() == Feature.ALPN ? "h2" : "-";
        assertEquals(java.util.Collections.nCopies(connections, alpn), nodeServer.alpn(), what + ": ALPN");
    }
}
