package io.jtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.error.CertificateIdentityException;
import io.jtls.error.TlsException;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.pki.Certificates;
import io.jtls.pki.HeldCertificate;
import io.jtls.support.ExternalProcess;
import io.jtls.support.JsJson;
import io.jtls.x509.Certificate;
import io.jtls.x509.DistinguishedName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Tls#checkServerIdentity}: a table of cases from Node's documented rules and its own
 * test (test/parallel/test-tls-check-server-identity.js), each with the outcome Node gives,
 * and the same table run through real node to prove outcomes and reason strings identical.
 */
class ServerIdentityTest {
    /** No error expected. */
    private static final String OK = null;

    /**
     * A case: the host, the subject's common names (none, one, or several), the
     * subjectaltname text (or null), and Node's reason (null when the host matches).
     */
    record Case(String host, List<String> cn, String san, String reason) {
        Certificate cert() {
            List<DistinguishedName.Entry> entries = new ArrayList<>();
            for (String name : cn) {
                entries.add(new DistinguishedName.Entry("CN", name));
            }
            return Certificate.builder().subject(DistinguishedName.of(entries)).subjectaltname(san).build();
        }
    }

    private static Case cn(String host, String cn, String reason) {
        return new Case(host, List.of(cn), null, reason);
    }

    private static Case san(String host, String san, String reason) {
        return new Case(host, List.of(), san, reason);
    }

    private static Case both(String host, String cn, String san, String reason) {
        return new Case(host, List.of(cn), san, reason);
    }

    static final List<Case> CASES = List.of(
            // Common name only.
            cn("a.com", "a.com", OK),
            cn("a.com", "A.COM", OK),
            cn("A.COM", "a.com", OK),
            cn("a.com", "b.com", "Host: a.com. is not cert's CN: b.com"),
            cn("a.com", "a.com.", OK),
            cn("a.com.", "a.com", OK),
            cn("a.com", ".a.com", "Host: a.com. is not cert's CN: .a.com"),
            cn("", "a.com", "Host: . is not cert's CN: a.com"),
            cn("a.com", "", "Cert does not contain a DNS name"),
            // An IP is never matched against the common name.
            cn("8.8.8.8", "8.8.8.8", "IP: 8.8.8.8 is not in the cert's list: "),
            // Wildcards in the common name.
            cn("ba.com", "*.a.com", "Host: ba.com. is not cert's CN: *.a.com"),
            cn("b.a.com", "*.a.com", OK),
            cn("ba.com", "b*b.a.com", "Host: ba.com. is not cert's CN: b*b.a.com"),
            cn("bxa.a.com", "b*b.a.com", "Host: bxa.a.com. is not cert's CN: b*b.a.com"),
            cn("bxb.a.com", "b*b.a.com", OK),
            cn("bb.a.com", "b*b.a.com", OK),
            cn("b.a.com", "b*b.a.com", "Host: b.a.com. is not cert's CN: b*b.a.com"),
            // Several common names.
            new Case("foo.com", List.of("foo.com", "bar.com"), null, OK),
            new Case("bar.com", List.of("foo.com", "bar.com"), null, OK),
            new Case("baz.com", List.of("foo.com", "bar.com"), null, "Host: baz.com. is not cert's CN: foo.com,bar.com"),
            // Nothing to match.
            new Case("a.com", List.of(), null, "Cert does not contain a DNS name"),
            new Case("a.com", List.of(), "", "Cert does not contain a DNS name"),
            // DNS names win over the common name.
            san("a.com", "DNS:a.com", OK),
            both("a.com", "b.com", "DNS:*", "Host: a.com. is not in the cert's altnames: DNS:*"),
            both("a.com", "b.com", "DNS:*.com", "Host: a.com. is not in the cert's altnames: DNS:*.com"),
            both("a.co.uk", "b.com", "DNS:*.co.uk", OK),
            both("a.com", "a.com", "DNS:*.a.com", "Host: a.com. is not in the cert's altnames: DNS:*.a.com"),
            both("a.com", "b.com", "DNS:a.com", OK),
            both("a.com", "b.com", "DNS:A.COM", OK),
            both("localhost", "localhost", "DNS:a.com", "Host: localhost. is not in the cert's altnames: DNS:a.com"),
            // DNS wildcards: left-most label only, partial labels allowed, one star.
            san("a.com", "DNS:*.a.com", "Host: a.com. is not in the cert's altnames: DNS:*.a.com"),
            san("b.a.com", "DNS:*.a.com", OK),
            san("c.b.a.com", "DNS:*.a.com", "Host: c.b.a.com. is not in the cert's altnames: DNS:*.a.com"),
            san("b.a.com", "DNS:*b.a.com", OK),
            san("a-cb.a.com", "DNS:*b.a.com", OK),
            san("a.b.a.com", "DNS:*b.a.com", "Host: a.b.a.com. is not in the cert's altnames: DNS:*b.a.com"),
            san("a.b.a.com", "DNS:*b.a.com, DNS:a.b.a.com", OK),
            san("foo.example.com", "DNS:f*o.example.com", OK),
            san("fo.example.com", "DNS:f*o.example.com", OK),
            san("foo.example.com", "DNS:f**.example.com",
                    "Host: foo.example.com. is not in the cert's altnames: DNS:f**.example.com"),
            san("a.b.example.com", "DNS:*.*.example.com",
                    "Host: a.b.example.com. is not in the cert's altnames: DNS:*.*.example.com"),
            san("a..example.com", "DNS:a..example.com",
                    "Host: a..example.com. is not in the cert's altnames: DNS:a..example.com"),
            san("*.example.com", "DNS:*.example.com", OK),
            // Other name types are not DNS names.
            san("a.b.a.com", "URI:http://a.b.a.com/", "Cert does not contain a DNS name"),
            san("a.b.a.com", "URI:http://*.b.a.com/", "Cert does not contain a DNS name"),
            san("a.b.a.com", "IP Address:127.0.0.1", "Cert does not contain a DNS name"),
            san("a.com", "email:a@a.com", "Cert does not contain a DNS name"),
            // IP addresses, canonicalized on both sides.
            san("127.0.0.1", "IP Address:127.0.0.1", OK),
            san("127.0.0.1.", "IP Address:127.0.0.1", OK),
            san("127.0.0.2", "IP Address:127.0.0.1", "IP: 127.0.0.2 is not in the cert's list: 127.0.0.1"),
            san("127.0.0.1", "DNS:a.com", "IP: 127.0.0.1 is not in the cert's list: "),
            san("::1", "IP Address:0:0:0:0:0:0:0:1", OK),
            san("0:0:0:0:0:0:0:1", "IP Address:0:0:0:0:0:0:0:1", OK),
            san("FE80::1", "IP Address:FE80:0:0:0:0:0:0:1", OK),
            san("fe80::1%eth0", "IP Address:FE80:0:0:0:0:0:0:1", OK),
            san("2001:db8::2", "IP Address:2001:DB8:0:0:0:0:0:1, IP Address:10.0.0.1",
                    "IP: 2001:db8::2 is not in the cert's list: 2001:db8::1, 10.0.0.1"),
            san("::ffff:127.0.0.1", "IP Address:127.0.0.1", "IP: ::ffff:127.0.0.1 is not in the cert's list: 127.0.0.1"),
            san("::ffff:127.0.0.1", "IP Address:0:0:0:0:0:FFFF:7F00:1", OK),
            san("1.2.3.4", "IP Address:<invalid length=5>, IP Address:5.6.7.8",
                    "IP: 1.2.3.4 is not in the cert's list: , 5.6.7.8"),
            san("01.2.3.4", "IP Address:1.2.3.4", "Cert does not contain a DNS name"),
            // IDNA: A-labels match verbatim, never through a wildcard; U-labels never match.
            cn("xn--bcher-kva.example.com", "*.example.com", OK),
            cn("xn--bcher-kva.example.com", "xn--*.example.com",
                    "Host: xn--bcher-kva.example.com. is not cert's CN: xn--*.example.com"),
            cn("xn--bcher-kva.example.com", "xn--bcher-kva.example.com", OK),
            cn("bücher.example.com", "bücher.example.com", "Host: bücher.example.com. is not cert's CN: bücher.example.com"),
            cn("a b.com", "a b.com", "Host: a b.com. is not cert's CN: a b.com"),
            // Escaped names (the certificate object's JSON quoting) are decoded before matching.
            san("a.com", "DNS:\"a.com\"", OK),
            san("b.com", "DNS:a.com, URI:\"http://x/a\\u002cb\"",
                    "Host: b.com. is not in the cert's altnames: DNS:a.com, URI:\"http://x/a\\u002cb\""),
            san("b.com", "URI:\"http://x/a\\u002cb\", DNS:b.com", OK));

    @TempDir
    Path dir;

    @Test
    void tableOfNodesRules() {
        for (Case c : CASES) {
            Certificate cert = c.cert();
            CertificateIdentityException e = Tls.checkServerIdentity(c.host(), cert);
            if (c.reason() == null) {
                assertNull(e, () -> c + " -> " + e.reason());
                continue;
            }
            assertEquals(c.reason(), e == null ? null : e.reason(), c::toString);
            assertEquals("ERR_TLS_CERT_ALTNAME_INVALID", e.code());
            assertEquals("Hostname/IP does not match certificate's altnames: " + c.reason(), e.getMessage());
            assertEquals(c.host().endsWith(".") ? c.host().substring(0, c.host().length() - 1) : c.host(), e.host());
            assertSame(cert, e.cert());
        }
        assertTrue(CASES.size() >= 30);
    }

    @Test
    void malformedEscapedAltNamesThrowLikeNode() {
        Certificate cert = Certificate.builder().subjectaltname("DNS:\"a.com").build();
        TlsException e = assertThrows(TlsException.class, () -> Tls.checkServerIdentity("a.com", cert));
        assertEquals("ERR_TLS_CERT_ALTNAME_FORMAT", e.code());
        assertEquals("Invalid subject alternative name string", e.getMessage());
        assertEquals("SyntaxError", e.name()); // as Node's
    }

    @Test
    void sameOutcomesAndReasonsAsNode() throws IOException {
        List<Object> cases = new ArrayList<>();
        for (Case c : CASES) {
            Map<String, Object> cert = new LinkedHashMap<>();
            cert.put("subject", c.cert().subject());
            if (c.san() != null) {
                cert.put("subjectaltname", c.san());
            }
            cases.add(List.of(c.host(), cert));
        }
        cases.add(List.of("a.com", Map.of("subjectaltname", "DNS:\"a.com")));
        Files.writeString(dir.resolve("cases.json"), JsJson.stringify(cases), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("check.js"), """
                const tls = require('tls');
                const cases = JSON.parse(require('fs').readFileSync('cases.json', 'utf8'));
                for (const [host, cert] of cases) {
                  let out;
                  try {
                    const e = tls.checkServerIdentity(host, cert);
                    out = e === undefined ? null : [e.code, e.reason, e.host, e.message];
                  } catch (e) {
                    out = ['THROWN', e.code, e.message];
                  }
                  console.log('RESULT ' + JSON.stringify(out));
                }
                """);
        ExternalProcess.Separated r = ExternalProcess.runSeparately(dir, Duration.ofSeconds(30), List.of("node", "check.js"));
        assertEquals(0, r.exitCode(), r.describe());
        List<String> node = r.stdout().lines().filter(l -> l.startsWith("RESULT ")).map(l -> l.substring(7)).toList();
        assertEquals(CASES.size() + 1, node.size(), r.describe());
        for (int i = 0; i < CASES.size(); i++) {
            Case c = CASES.get(i);
            CertificateIdentityException e = Tls.checkServerIdentity(c.host(), c.cert());
            String ours = JsJson.stringify(e == null ? null : List.of(e.code(), e.reason(), e.host(), e.getMessage()));
            assertEquals(node.get(i), ours, c.toString());
        }
        TlsException thrown = assertThrows(TlsException.class,
                () -> Tls.checkServerIdentity("a.com", Certificate.builder().subjectaltname("DNS:\"a.com").build()));
        assertEquals(node.get(CASES.size()), JsJson.stringify(List.of("THROWN", thrown.code(), thrown.getMessage())));
    }

    @Test
    void realCertificatesFromThePkiHelper() {
        long live = NativeKind.liveTotal();
        HeldCertificate held = HeldCertificate.builder().commonName("ignored.example")
                .addSubjectAltNames("localhost", "*.example.com", "127.0.0.1", "::1").build();
        Certificate cert = Certificates.fromPem(held.certificatePem());
        assertNull(Tls.checkServerIdentity("localhost", cert));
        assertNull(Tls.checkServerIdentity("www.example.com", cert));
        assertNull(Tls.checkServerIdentity("127.0.0.1", cert));
        assertNull(Tls.checkServerIdentity("::1", cert));
        assertEquals("Host: ignored.example. is not in the cert's altnames: " + cert.subjectaltname(),
                Tls.checkServerIdentity("ignored.example", cert).reason());
        assertEquals("IP: 10.0.0.1 is not in the cert's list: 127.0.0.1, ::1",
                Tls.checkServerIdentity("10.0.0.1", cert).reason());
        assertEquals(live, NativeKind.liveTotal(), NativeKind.liveSummary());
    }
}
