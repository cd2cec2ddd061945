package io.jtls.internal.x509;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.internal.openssl.NativeKind;
import io.jtls.pki.Certificates;
import io.jtls.pki.HeldCertificate;
import io.jtls.support.ExternalProcess;
import io.jtls.support.JsJson;
import io.jtls.x509.Certificate;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every field of the certificate object equals what node v20 prints for the same certificate
 * ({@code new crypto.X509Certificate(pem).toLegacyObject()}), compared as JSON text field by
 * field, and the set of fields present is the same. Certificates: a HeldCertificate root (EC),
 * intermediate (RSA) and leaves (RSA with every SAN type, EKU, AIA and CRL distribution points;
 * EC P-384 and P-521 without SANs; Ed25519), and openssl-CLI certificates for what the PKI
 * helper does not make: multi-valued OU, SAN names Node escapes (comma URI, DirName, RID,
 * othername), an AIA method without a short name, a compressed EC point with a negative
 * serial, a 1030-bit RSA key with exponent 3 and a UTF-8 subject.
 */
class CertificateNodeParityTest {
    private static final String NODE_SCRIPT = """
            const fs = require('fs');
            const { X509Certificate } = require('crypto');
            process.argv.slice(2).forEach((file, i) => {
              const o = new X509Certificate(fs.readFileSync(file)).toLegacyObject();
              for (const k of Object.keys(o)) {
                const v = o[k];
                console.log('FIELD ' + i + ' ' + k + ' ' + JSON.stringify(Buffer.isBuffer(v) ? v.toString('hex') : v));
              }
            });
            """;

    private static final String CLI_CONFIG = """
            [req]
            distinguished_name = req_dn
            [req_dn]
            [utf8_req]
            prompt = no
            utf8 = yes
            string_mask = utf8only
            distinguished_name = utf8_dn
            [utf8_dn]
            CN = Bücher
            0.OU = x
            1.OU = y
            2.OU = z
            [ext]
            subjectAltName = @alt
            authorityInfoAccess = @aia
            extendedKeyUsage = serverAuth, clientAuth, 1.2.3.4.5
            basicConstraints = CA:FALSE
            [aia]
            OCSP;URI.0 = http://ocsp.example
            caIssuers;URI.1 = http://ca.example/ca.crt
            caIssuers;URI.2 = http://x/a,b
            1.2.3.4.99;URI.3 = http://odd.example
            [alt]
            DNS.1 = localhost
            IP.1 = 127.0.0.1
            IP.2 = 2001:db8::1
            email.1 = a@b.c
            URI.1 = http://x.y/a,b
            dirName.1 = dir_dn
            RID.1 = 1.2.3.4
            otherName.1 = 1.3.6.1.5.5.7.8.5;UTF8:xmpp@x
            [dir_dn]
            CN = Dir, Name
            O = Quote
            """;

    private static HeldCertificate root;
    private static HeldCertificate inter;

    @TempDir
    Path dir;
    private long liveAtStart;

    @BeforeAll
    static void makeCa() {
        root = HeldCertificate.builder().commonName("Test Root").organization("Acme").country("US")
                .certificateAuthority(1).ec("prime256v1").build();
        inter = HeldCertificate.builder().commonName("Inter").organizationalUnit("PKI")
                .certificateAuthority(0).rsa(2048).signedBy(root).build();
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
    void heldCertificatesMatchNode() throws IOException {
        HeldCertificate rsaLeaf = HeldCertificate.builder().commonName("localhost")
                .organization("Acme").organizationalUnit("Eng").country("US").state("CA").locality("SF")
                .addSubjectAltNames("localhost", "*.example.com", "127.0.0.1", "::1", "2001:db8::42",
                        "email:admin@example.com", "URI:https://example.com/x")
                .rsa(2048).extendedKeyUsage("serverAuth", "clientAuth")
                .ocspResponder("http://ocsp.example").caIssuers("http://ca.example/inter.crt")
                .caIssuers("http://ca2.example/inter.crt").crlDistributionPoint("http://crl.example/inter.crl")
                .serialNumber(new BigInteger("0abc", 16))
                .validity(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2027-01-10T12:34:56Z"))
                .signedBy(inter).build();
        HeldCertificate ec384 = HeldCertificate.builder().commonName("p384").ec("secp384r1")
                .serialNumber(new BigInteger("80" + "11".repeat(15), 16)).signedBy(root).build();
        HeldCertificate ec521SelfSigned = HeldCertificate.builder().commonName("p521").ec("secp521r1").build();
        HeldCertificate ed25519 = HeldCertificate.builder().commonName("ed").ed25519().signedBy(root).build();

        assertMatchesNode(List.of(root.certificatePem(), inter.certificatePem(), rsaLeaf.certificatePem(),
                ec384.certificatePem(), ec521SelfSigned.certificatePem(), ed25519.certificatePem()));

        Certificate leaf = Certificates.fromPem(rsaLeaf.certificatePem());
        assertEquals("0ABC", leaf.serialNumber());
        assertEquals("0x10001", leaf.exponent());
        assertEquals(Instant.parse("2027-01-10T12:34:56Z"), leaf.validToDate());
        assertEquals("Jan 10 12:34:56 2027 GMT", leaf.validTo());
        assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), leaf.extKeyUsage());
        assertEquals(List.of("http://ca.example/inter.crt", "http://ca2.example/inter.crt"),
                leaf.infoAccess().get("CA Issuers - URI"));
        assertEquals("80" + "11".repeat(15), Certificates.fromPem(ec384.certificatePem()).serialNumber());
        assertTrue(Certificates.fromPem(root.certificatePem()).ca());
    }

    @Test
    void opensslCliCertificatesMatchNode() throws IOException {
        Files.writeString(dir.resolve("ext.cnf"), CLI_CONFIG, StandardCharsets.UTF_8);
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "multi.key", "-out", "multi.pem", "-days", "30", "-config", "ext.cnf",
                "-subj", "/C=US/O=Acme/OU=Eng/OU=Ops/CN=localhost", "-extensions", "ext", "-set_serial", "0x00ab");
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "k.pem");
        openssl("ec", "-in", "k.pem", "-conv_form", "compressed", "-out", "kc.pem");
        openssl("req", "-x509", "-new", "-key", "kc.pem", "-subj", "/CN=compressed", "-days", "2",
                "-config", "ext.cnf", "-out", "compressed.pem", "-set_serial", "-5");
        openssl("req", "-x509", "-newkey", "rsa:1030", "-pkeyopt", "rsa_keygen_pubexp:3", "-nodes",
                "-keyout", "r.key", "-config", "ext.cnf", "-section", "utf8_req", "-days", "2",
                "-out", "rsa.pem", "-set_serial", "0x0abc");
        List<String> pems = new ArrayList<>();
        for (String f : List.of("multi.pem", "compressed.pem", "rsa.pem")) {
            pems.add(Files.readString(dir.resolve(f)));
        }
        assertMatchesNode(pems);

        Certificate multi = Certificates.fromPem(pems.get(0));
        assertEquals("Eng", multi.subject().get("OU"));
        assertEquals(List.of("Eng", "Ops"), multi.subject().getAll("OU"));
        assertEquals(List.of("Eng", "Ops"), multi.subject().asMap().get("OU"));
        assertTrue(multi.subjectaltname().contains("URI:\"http://x.y/a\\u002cb\""), multi.subjectaltname());
        assertEquals(List.of("http://ca.example/ca.crt", "http://x/a,b"), multi.infoAccess().get("CA Issuers - URI"));
        Certificate compressed = Certificates.fromPem(pems.get(1));
        assertEquals("-05", compressed.serialNumber());
        assertEquals(0x04, compressed.pubkey()[0]);
        Certificate rsa = Certificates.fromPem(pems.get(2));
        assertEquals("0x3", rsa.exponent());
        assertEquals(1030, rsa.bits());
        assertEquals("Bücher", rsa.subject().get("CN"));
    }

    /** Compares every field of each certificate with node's, and the sets of fields present. */
    private void assertMatchesNode(List<String> pems) throws IOException {
        List<String> args = new ArrayList<>(List.of("node", write("fields.js", NODE_SCRIPT).toString()));
        for (int i = 0; i < pems.size(); i++) {
            args.add(write("cert" + i + ".pem", pems.get(i)).toString());
        }
        ExternalProcess.Separated result = ExternalProcess.runSeparately(dir, Duration.ofSeconds(60), args);
        assertEquals(0, result.exitCode(), result.describe());
        Map<Integer, Map<String, String>> node = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^FIELD (\\d+) (\\S+) (.*)$").matcher(result.stdout());
        while (m.find()) {
            node.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new LinkedHashMap<>()).put(m.group(2), m.group(3));
        }
        for (int i = 0; i < pems.size(); i++) {
            Map<String, String> expected = node.get(i);
            assertNotNull(expected, "node printed nothing for certificate " + i + ":\n" + result.describe());
            Map<String, String> actual = new LinkedHashMap<>();
            legacyFields(Certificates.fromPem(pems.get(i))).forEach((k, v) -> actual.put(k, JsJson.stringify(v)));
            assertEquals(new TreeMap<>(expected).keySet(), new TreeMap<>(actual).keySet(), "fields of certificate " + i);
            for (String key : expected.keySet()) {
                assertEquals(expected.get(key), actual.get(key), "certificate " + i + " field " + key);
            }
        }
    }

    /** The certificate object under Node's property names, absent (null) fields left out. */
    static Map<String, Object> legacyFields(Certificate c) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("subject", c.subject());
        map.put("issuer", c.issuer());
        map.put("subjectaltname", c.subjectaltname());
        map.put("infoAccess", c.infoAccess());
        map.put("ca", c.ca());
        map.put("modulus", c.modulus());
        map.put("bits", c.bits());
        map.put("exponent", c.exponent());
        map.put("pubkey", c.pubkey());
        map.put("asn1Curve", c.asn1Curve());
        map.put("nistCurve", c.nistCurve());
        map.put("valid_from", c.validFrom());
        map.put("valid_to", c.validTo());
        map.put("fingerprint", c.fingerprint());
        map.put("fingerprint256", c.fingerprint256());
        map.put("fingerprint512", c.fingerprint512());
        map.put("ext_key_usage", c.extKeyUsage());
        map.put("serialNumber", c.serialNumber());
        map.put("raw", c.raw());
        map.values().removeIf(v -> v == null);
        return map;
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private void openssl(String... args) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        ExternalProcess.Separated result = ExternalProcess.runSeparately(dir, Duration.ofSeconds(60), command);
        assertEquals(0, result.exitCode(), String.join(" ", command) + "\n" + result.describe());
    }
}
