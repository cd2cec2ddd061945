package io.jtls.interop;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * An SNI context whose certificate has another key type than the default one. Node's server
 * copies the SNI context's certificate into the connection beside the default one
 * ({@code UseSNIContext}), so OpenSSL offers both and picks by the signature algorithms the client
 * accepts: a client that takes only RSA-PSS gets the RSA certificate, one that takes only ECDSA the
 * EC one, whichever of them the SNI context holds. A jtls server must choose as Node's does, for
 * s_client ({@code -sigalgs}) and for Node's client ({@code sigalgs}), TLS 1.2 and 1.3, with an RSA
 * default and an EC SNI context and the reverse. Replaces the test that pinned the old difference.
 */
class SniKeyTypeParityTest {
    /** The default certificate and the one added for beta.test. */
    enum Pair {
        RSA_DEFAULT_EC_SNI(ParityCerts.ALPHA_RSA, ParityCerts.BETA),
        EC_DEFAULT_RSA_SNI(ParityCerts.ALPHA, ParityCerts.BETA_RSA);

        final HeldCertificate defaultCert;
        final HeldCertificate sniCert;

        Pair(HeldCertificate defaultCert, HeldCertificate sniCert) {
            this.defaultCert = defaultCert;
            this.sniCert = sniCert;
        }

        HeldCertificate ofKeyType(String keyType) {
            return defaultCert.keyType().equals(keyType) ? defaultCert : sniCert;
        }
    }

    /**
     * What the client accepts (s_client's {@code -sigalgs}, Node's {@code sigalgs}) and the key
     * type that can answer (null: any). {@code rsa_pss_rsae_sha256} is {@code RSA-PSS+SHA256}
     * (OpenSSL rejects a list naming it twice): RSA-PSS with an rsaEncryption key, which TLS 1.3
     * requires of RSA certificates.
     */
    enum Sigalgs {
        RSA_PSS("rsa_pss_rsae_sha256", "RSA"),
        ECDSA("ECDSA+SHA256", "EC"),
        CLIENT_DEFAULT(null, null);

        final String list;
        final String keyType;

        Sigalgs(String list, String keyType) {
            this.list = list;
            this.keyType = keyType;
        }
    }

    record Case(Pair pair, String version, Sigalgs sigalgs) {
        String id() {
            return pair + "/" + version + "/" + sigalgs;
        }

        Ask ask(String side, int port) {
            return new Ask(id() + "/" + side, port, "beta.test", version, null, sigalgs.list, sigalgs.list, false);
        }

        @Override
        public String toString() {
            return pair + " · " + version + " · client sigalgs " + (sigalgs.list == null ? "(default)" : sigalgs.list);
        }
    }

    @TempDir
    static Path dir;
    private static ParityServers servers;
    private static ParityClients.Answers answers;

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (Pair pair : Pair.values()) {
            for (String version : List.of("TLSv1.2", "TLSv1.3")) {
                for (Sigalgs sigalgs : Sigalgs.values()) {
                    cases.add(new Case(pair, version, sigalgs));
                }
            }
        }
        return cases.stream();
    }

    @BeforeAll
    static void askEveryCase() {
        List<Spec> specs = new ArrayList<>();
        for (Pair pair : Pair.values()) {
            specs.add(Spec.of(pair.name(), pair.defaultCert).addContext("beta.test", pair.sniCert));
        }
        servers = ParityServers.start(dir, specs);
        List<Ask> asks = new ArrayList<>();
        cases().forEach(c -> {
            asks.add(c.ask("jtls", servers.jtlsPort(c.pair().name())));
            asks.add(c.ask("node", servers.nodePort(c.pair().name())));
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
    @MethodSource("cases")
    void jtlsChoosesTheCertificateNodeChooses(Case c) {
        Outcome opensslNode = answers.openssl(c.id(), "node");
        Outcome opensslJtls = answers.openssl(c.id(), "jtls");
        Outcome nodeNode = answers.node(c.id(), "node");
        Outcome nodeJtls = answers.node(c.id(), "jtls");
        assertAll(c.toString(),
                () -> assertSensible(c, "s_client", opensslNode),
                () -> assertSensible(c, "Node client", nodeNode),
                () -> assertEquals(opensslNode.summary(), opensslJtls.summary(), "s_client: jtls server vs Node server"),
                () -> assertEquals(nodeNode.summary(), nodeJtls.summary(), "Node client: jtls server vs Node server"));
    }

    /** Node's server serves the certificate of the key type the client accepts, from either context. */
    private static void assertSensible(Case c, String client, Outcome nodeServer) {
        String what = client + " against the Node server";
        assertNull(nodeServer.error(), what);
        assertEquals(c.version(), nodeServer.protocol(), what);
        if (c.sigalgs().keyType != null) {
            assertEquals(c.pair().ofKeyType(c.sigalgs().keyType).commonName(), nodeServer.cn(), what + ": certificate");
        } else {
            assertTrue(List.of(c.pair().defaultCert.commonName(), c.pair().sniCert.commonName()).contains(nodeServer.cn()),
                    what + ": certificate " + nodeServer.cn());
        }
    }
}
