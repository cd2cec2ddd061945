package io.jtls.internal.x509;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.X509Calls;
import io.jtls.pki.Certificates;
import io.jtls.pki.HeldCertificate;
import io.jtls.support.ExternalProcess;
import io.jtls.x509.Certificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detailed chain of {@code getPeerCertificate(true)}: issuers found first among the
 * certificates the peer sent (in any order, unrelated ones ignored), then in the trust store,
 * a self-signed root linked to itself; the same chain node builds over a real TLS connection.
 */
class CertificateChainTest {
    /** A node TLS server sending the given chain, and a node client printing its detailed peer chain. */
    private static final String NODE_CHAIN = """
            const tls = require('tls'), fs = require('fs');
            const [key, chain, ca] = process.argv.slice(2).map(f => fs.readFileSync(f));
            const server = tls.createServer({ key, cert: chain }, s => s.end());
            server.listen(0, '127.0.0.1', () => {
              const c = tls.connect({ port: server.address().port, host: '127.0.0.1', ca,
                                      checkServerIdentity: () => undefined }, () => {
                const seen = [];
                for (let x = c.getPeerCertificate(true); x; x = x.issuerCertificate) {
                  seen.push(x.fingerprint256);
                  if (x.issuerCertificate === x) { seen.push('SELF'); break; }
                }
                console.log('CHAIN ' + JSON.stringify(seen));
                c.end(); server.close();
              });
            });
            """;

    private static HeldCertificate root;
    private static HeldCertificate inter;
    private static HeldCertificate leaf;
    private static HeldCertificate unrelated;

    @TempDir
    Path dir;
    private long liveAtStart;

    @BeforeAll
    static void makeChain() {
        root = HeldCertificate.builder().commonName("Chain Root").certificateAuthority(1).build();
        inter = HeldCertificate.builder().commonName("Chain Inter").certificateAuthority(0).rsa(2048)
                .signedBy(root).build();
        leaf = HeldCertificate.builder().commonName("localhost").addSubjectAltName("localhost")
                .signedBy(inter).build();
        unrelated = HeldCertificate.builder().commonName("Other Root").certificateAuthority(0).build();
    }

    @BeforeEach
    void countNativeObjects() {
        liveAtStart = NativeKind.liveTotal();
    }

    @AfterEach
    void nothingLeaked() {
        assertEquals(liveAtStart, NativeKind.liveTotal(), NativeKind.liveSummary());
    }

    @Test
    void issuersFromTheSentChainThenTheStoreAndTheRootLinksToItself() {
        try (NativeHandle l = parse(leaf); NativeHandle i = parse(inter); NativeHandle r = parse(root)) {
            Certificate chain = CertificateChain.detailed(l.get(), List.of(i.get()), IssuerLookup.among(List.of(r.get())));
            assertEquals(List.of("localhost", "Chain Inter", "Chain Root", "SELF"), names(chain));
            Certificate top = chain.issuerCertificate().issuerCertificate();
            assertSame(top, top.issuerCertificate());
            assertEquals(Certificates.fromPem(root.certificatePem()).fingerprint256(), top.fingerprint256());
        }
    }

    @Test
    void sentChainInAnyOrderWithUnrelatedCertificatesAndThePeerRepeated() {
        try (NativeHandle l = parse(leaf); NativeHandle i = parse(inter); NativeHandle r = parse(root);
                NativeHandle u = parse(unrelated)) {
            Certificate chain = CertificateChain.detailed(l.get(), List.of(l.get(), u.get(), r.get(), i.get()),
                    IssuerLookup.NONE);
            assertEquals(List.of("localhost", "Chain Inter", "Chain Root", "SELF"), names(chain));
        }
    }

    @Test
    void chainWithoutItsRootEndsWithoutIssuer() {
        try (NativeHandle l = parse(leaf); NativeHandle i = parse(inter); NativeHandle u = parse(unrelated)) {
            Certificate chain = CertificateChain.detailed(l.get(), List.of(i.get()), IssuerLookup.among(List.of(u.get())));
            assertEquals(List.of("localhost", "Chain Inter"), names(chain));
            assertNull(chain.issuerCertificate().issuerCertificate());
        }
    }

    @Test
    void selfSignedPeerLinksToItself() {
        try (NativeHandle u = parse(unrelated)) {
            Certificate chain = CertificateChain.detailed(u.get(), List.of(), IssuerLookup.NONE);
            assertSame(chain, chain.issuerCertificate());
        }
    }

    @Test
    void storeHandingBackTheSameCertificateStopsTheWalk() {
        try (NativeHandle l = parse(leaf)) {
            // Node guards against SSL_CTX_get_issuer returning the certificate itself.
            IssuerLookup same = x509 -> {
                X509Calls.X509_up_ref(x509);
                return NativeHandle.own(NativeKind.X509, x509);
            };
            Certificate chain = CertificateChain.detailed(l.get(), List.of(), same);
            assertEquals(List.of("localhost", "localhost"), names(chain));
            assertNotSame(chain, chain.issuerCertificate());
            assertNull(chain.issuerCertificate().issuerCertificate());
        }
    }

    @Test
    void sameChainAsNodeOverRealTls() throws IOException {
        try (NativeHandle l = parse(leaf); NativeHandle i = parse(inter); NativeHandle r = parse(root)) {
            Certificate chain = CertificateChain.detailed(l.get(), List.of(i.get()), IssuerLookup.among(List.of(r.get())));
            List<String> ours = new ArrayList<>();
            for (Certificate c = chain; c != null; c = c.issuerCertificate()) {
                ours.add('"' + c.fingerprint256() + '"');
                if (c.issuerCertificate() == c) {
                    ours.add("\"SELF\"");
                    break;
                }
            }
            String expected = "[" + String.join(",", ours) + "]";
            // The server sends leaf + intermediate; the client trusts the root.
            assertEquals(expected, nodeChain(leaf.certificatePem() + inter.certificatePem()));
            // The server sends the root too: Node links the same objects.
            assertEquals(expected, nodeChain(leaf.certificatePem() + inter.certificatePem() + root.certificatePem()));
        }
    }

    private String nodeChain(String sentChain) throws IOException {
        Files.writeString(dir.resolve("chain.js"), NODE_CHAIN);
        Files.writeString(dir.resolve("key.pem"), leaf.privateKeyPem());
        Files.writeString(dir.resolve("chain.pem"), sentChain);
        Files.writeString(dir.resolve("ca.pem"), root.certificatePem());
        ExternalProcess.Separated r = ExternalProcess.runSeparately(dir, Duration.ofSeconds(60),
                List.of("node", "chain.js", "key.pem", "chain.pem", "ca.pem"));
        Matcher m = Pattern.compile("(?m)^CHAIN (.*)$").matcher(r.stdout());
        if (!m.find()) {
            throw new AssertionError(r.describe());
        }
        return m.group(1);
    }

    /** The subjects' CNs along the issuer links, "SELF" where a certificate links to itself. */
    private static List<String> names(Certificate chain) {
        List<String> names = new ArrayList<>();
        for (Certificate c = chain; c != null; c = c.issuerCertificate()) {
            names.add(c.subject().get("CN"));
            if (c.issuerCertificate() == c) {
                names.add("SELF");
                break;
            }
        }
        return names;
    }

    private static NativeHandle parse(HeldCertificate cert) {
        return CertificateReader.parsePem(cert.certificatePem());
    }
}
