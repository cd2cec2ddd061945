package io.jtls.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.internal.openssl.NativeKind;
import io.jtls.support.ExternalProcess;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificates and keys made by HeldCertificate, read back and verified by the openssl CLI. */
class HeldCertificateTest {
    private static HeldCertificate root;
    private static HeldCertificate intermediate;

    @TempDir
    Path dir;
    private long liveAtStart;

    @BeforeAll
    static void makeCertificateAuthorities() {
        root = HeldCertificate.builder().commonName("Test Root").certificateAuthority(1).build();
        intermediate = HeldCertificate.builder().commonName("Test Intermediate")
                .certificateAuthority(0).rsa(2048).signedBy(root).build();
    }

    @BeforeEach
    void countNativeObjects() {
        liveAtStart = NativeKind.liveTotal();
    }

    @AfterEach
    void everyNativeObjectWasFreed() {
        assertEquals(liveAtStart, NativeKind.liveTotal(), NativeKind.liveSummary());
    }

    @Test
    void leafSignedByIntermediateVerifiesUpToTheRoot() throws IOException {
        HeldCertificate leaf = HeldCertificate.builder().commonName("localhost")
                .addSubjectAltName("localhost").signedBy(intermediate).build();
        write("root.pem", root.certificatePem());
        write("inter.pem", intermediate.certificatePem());
        write("leaf.pem", leaf.certificatePem());

        assertEquals("leaf.pem: OK\n",
                Cli.openssl(dir, "verify", "-CAfile", "root.pem", "-untrusted", "inter.pem", "leaf.pem").ok());
        ExternalProcess.Result withoutIntermediate = Cli.openssl(dir, "verify", "-CAfile", "root.pem", "leaf.pem");
        assertNotEquals(0, withoutIntermediate.exitCode());
        assertTrue(withoutIntermediate.output().contains("unable to get local issuer certificate"),
                withoutIntermediate.output());
        assertSame(intermediate, leaf.issuer());
        assertSame(root, intermediate.issuer());
        assertNull(root.issuer());
    }

    @Test
    void chainPemIsTheLeafThenItsIntermediatesWithoutTheRoot() throws IOException {
        HeldCertificate inter2 = HeldCertificate.builder().commonName("Second Intermediate")
                .certificateAuthority(0).signedBy(root).build();
        HeldCertificate leaf = HeldCertificate.builder().commonName("leaf").signedBy(inter2).build();
        assertEquals(leaf.certificatePem() + inter2.certificatePem(), leaf.chainPem());
        assertEquals(List.of(inter2), leaf.intermediates());
        assertEquals(root.certificatePem(), root.chainPem());
        assertEquals(inter2.certificatePem(), inter2.chainPem());

        // A chain file verifies as the untrusted set, as a server would send it.
        write("root.pem", root.certificatePem());
        write("chain.pem", leaf.chainPem());
        write("leaf.pem", leaf.certificatePem());
        Cli.openssl(dir, "verify", "-CAfile", "root.pem", "-untrusted", "chain.pem", "leaf.pem").ok();
    }

    @Test
    void pathLengthConstraintIsEnforcedByVerifiers() throws IOException {
        HeldCertificate onlyLeaves = HeldCertificate.builder().commonName("Leaf-only Root").certificateAuthority(0).build();
        HeldCertificate inter = HeldCertificate.builder().commonName("Too Deep").certificateAuthority(0)
                .signedBy(onlyLeaves).build();
        HeldCertificate leaf = HeldCertificate.builder().commonName("leaf").signedBy(inter).build();
        write("root.pem", onlyLeaves.certificatePem());
        write("inter.pem", inter.certificatePem());
        write("leaf.pem", leaf.certificatePem());
        ExternalProcess.Result result = Cli.openssl(dir, "verify", "-CAfile", "root.pem", "-untrusted", "inter.pem", "leaf.pem");
        assertNotEquals(0, result.exitCode());
        assertTrue(result.output().contains("path length constraint exceeded"), result.output());
    }

    @Test
    void leafCarriesSubjectSubjectAltNamesAndExtensions() throws IOException {
        HeldCertificate leaf = HeldCertificate.builder()
                .commonName("localhost").organization("Acme").organizationalUnit("Eng")
                .country("us").state("CA").locality("SF")
                .addSubjectAltName("localhost").addSubjectAltName("127.0.0.1").addSubjectAltName("::1")
                .addSubjectAltNames("*.example.com", "IP:10.0.0.1", "email:admin@example.com", "URI:spiffe://example.com/svc")
                .extendedKeyUsage("serverAuth", "clientAuth")
                .ocspResponder("http://ocsp.example.com").caIssuers("http://ca.example.com/inter.crt")
                .crlDistributionPoint("http://crl.example.com/inter.crl")
                .signedBy(intermediate).build();
        String text = text(leaf);
        assertTrue(text.contains("Subject: C = US, ST = CA, L = SF, O = Acme, OU = Eng, CN = localhost"), text);
        assertTrue(text.contains("Issuer: CN = Test Intermediate"), text);
        assertTrue(text.contains("DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, "
                + "DNS:*.example.com, IP Address:10.0.0.1, email:admin@example.com, URI:spiffe://example.com/svc"), text);
        assertExtension(text, "X509v3 Basic Constraints: critical", "CA:FALSE");
        assertExtension(text, "X509v3 Key Usage: critical", "Digital Signature");
        assertExtension(text, "X509v3 Extended Key Usage:",
                "TLS Web Server Authentication, TLS Web Client Authentication");
        assertExtension(text, "Authority Information Access:", "OCSP - URI:http://ocsp.example.com");
        assertTrue(text.contains("CA Issuers - URI:http://ca.example.com/inter.crt"), text);
        assertTrue(text.contains("X509v3 CRL Distribution Points:"), text);
        assertTrue(text.contains("URI:http://crl.example.com/inter.crl"), text);
        assertTrue(text.contains("X509v3 Subject Key Identifier:"), text);
        assertTrue(text.contains("Version: 3 (0x2)"), text);

        // The leaf's authorityKeyIdentifier is the intermediate's subjectKeyIdentifier.
        String issuerSki = extensionValue(text(intermediate), "X509v3 Subject Key Identifier:");
        assertEquals(issuerSki, extensionValue(text, "X509v3 Authority Key Identifier:").replace("keyid:", ""));
    }

    @Test
    void plainLeafHasNoOptionalExtensions() throws IOException {
        String text = text(HeldCertificate.builder().commonName("plain").signedBy(intermediate).build());
        assertFalse(text.contains("Extended Key Usage"), text);
        assertFalse(text.contains("Subject Alternative Name"), text);
        assertFalse(text.contains("Authority Information Access"), text);
        assertFalse(text.contains("CRL Distribution Points"), text);
    }

    @Test
    void certificateAuthoritiesHaveCriticalConstraintsAndKeyUsage() throws IOException {
        String rootText = text(root);
        assertExtension(rootText, "X509v3 Basic Constraints: critical", "CA:TRUE, pathlen:1");
        assertExtension(rootText, "X509v3 Key Usage: critical", "Certificate Sign, CRL Sign");
        assertTrue(rootText.contains("Issuer: CN = Test Root"), rootText);
        assertTrue(rootText.contains("Subject: CN = Test Root"), rootText);
        assertExtension(text(intermediate), "X509v3 Basic Constraints: critical", "CA:TRUE, pathlen:0");
        assertTrue(root.isCertificateAuthority());
        // A self-signed root verifies against itself.
        write("root.pem", root.certificatePem());
        Cli.openssl(dir, "verify", "-CAfile", "root.pem", "root.pem").ok();
    }

    @Test
    void keyTypesSizesAndSignatureAlgorithms() throws IOException {
        HeldCertificate defaultKey = HeldCertificate.builder().commonName("default").build();
        assertEquals("EC", defaultKey.keyType());
        String text = text(defaultKey);
        assertTrue(text.contains("Public-Key: (256 bit)") && text.contains("ASN1 OID: prime256v1"), text);
        assertTrue(text.contains("Signature Algorithm: ecdsa-with-SHA256"), text);

        HeldCertificate p384 = HeldCertificate.builder().ec("secp384r1").signedBy(root).build();
        text = text(p384);
        assertTrue(text.contains("Public-Key: (384 bit)") && text.contains("ASN1 OID: secp384r1"), text);
        assertTrue(text.contains("Signature Algorithm: ecdsa-with-SHA256"), "signed by the P-256 root: " + text);

        HeldCertificate rsa = HeldCertificate.builder().rsa(3072).signedBy(intermediate).build();
        assertEquals("RSA", rsa.keyType());
        text = text(rsa);
        assertTrue(text.contains("Public-Key: (3072 bit)") && text.contains("rsaEncryption"), text);
        assertTrue(text.contains("Signature Algorithm: sha256WithRSAEncryption"), "signed by the RSA intermediate");
        assertExtension(text, "X509v3 Key Usage: critical", "Digital Signature, Key Encipherment");

        HeldCertificate ed = HeldCertificate.builder().ed25519().certificateAuthority(0).build();
        assertEquals("Ed25519", ed.keyType());
        text = text(ed);
        assertTrue(text.contains("Public Key Algorithm: ED25519") && text.contains("Signature Algorithm: ED25519"), text);
        HeldCertificate signedByEd = HeldCertificate.builder().signedBy(ed).build();
        assertTrue(text(signedByEd).contains("Signature Algorithm: ED25519"));
        write("ed.pem", ed.certificatePem());
        write("leaf.pem", signedByEd.certificatePem());
        Cli.openssl(dir, "verify", "-CAfile", "ed.pem", "leaf.pem").ok();
    }

    @Test
    void serialNumbersAreRandomPositiveOrAsGiven() throws IOException {
        HeldCertificate a = HeldCertificate.builder().build();
        HeldCertificate b = HeldCertificate.builder().build();
        assertNotEquals(a.serialNumber(), b.serialNumber());
        for (HeldCertificate c : List.of(a, b)) {
            assertEquals(1, c.serialNumber().signum());
            assertTrue(c.serialNumber().bitLength() > 64 && c.serialNumber().bitLength() <= 127, c.toString());
            assertEquals(c.serialNumber(), opensslSerial(c));
        }
        BigInteger big = new BigInteger("00ff00ff00ff00ff00ff00ff00ff00ff00ff00", 16);
        assertEquals(big, opensslSerial(HeldCertificate.builder().serialNumber(big).build()));
        assertEquals(BigInteger.valueOf(42), opensslSerial(HeldCertificate.builder().serialNumber(42).build()));
        assertEquals(BigInteger.valueOf(42), HeldCertificate.builder().serialNumber(42).build().serialNumber());
    }

    @Test
    void defaultValidityIsAnHourAgoToAYearAhead() throws IOException {
        Instant before = Instant.now();
        HeldCertificate c = HeldCertificate.builder().build();
        assertDates(c);
        assertNear(before.minus(Duration.ofHours(1)), c.notBefore());
        assertNear(before.plus(Duration.ofDays(365)), c.notAfter());

        HeldCertificate twoDays = HeldCertificate.builder().duration(Duration.ofDays(2)).build();
        assertDates(twoDays);
        assertNear(before.minus(Duration.ofHours(1)), twoDays.notBefore());
        assertNear(before.plus(Duration.ofDays(2)), twoDays.notAfter());

        // Beyond 2049 the times are GeneralizedTime; openssl reads both.
        Instant start = Instant.parse("2020-01-02T03:04:05Z");
        Instant end = Instant.parse("2061-06-07T08:09:10Z");
        HeldCertificate explicit = HeldCertificate.builder().validity(start, end).build();
        assertEquals(start, explicit.notBefore());
        assertEquals(end, explicit.notAfter());
        assertDates(explicit);
    }

    @Test
    void expiredAndNotYetValidCertificatesFailVerification() throws IOException {
        write("root.pem", root.certificatePem());
        write("inter.pem", intermediate.certificatePem());
        HeldCertificate expired = HeldCertificate.builder().commonName("old").expired().signedBy(intermediate).build();
        assertTrue(expired.notAfter().isBefore(Instant.now()));
        assertDates(expired);
        write("expired.pem", expired.certificatePem());
        ExternalProcess.Result result = Cli.openssl(dir, "verify", "-CAfile", "root.pem", "-untrusted", "inter.pem", "expired.pem");
        assertNotEquals(0, result.exitCode());
        assertTrue(result.output().contains("certificate has expired"), result.output());

        HeldCertificate future = HeldCertificate.builder().commonName("new").notYetValid().signedBy(intermediate).build();
        assertTrue(future.notBefore().isAfter(Instant.now()));
        write("future.pem", future.certificatePem());
        result = Cli.openssl(dir, "verify", "-CAfile", "root.pem", "-untrusted", "inter.pem", "future.pem");
        assertNotEquals(0, result.exitCode());
        assertTrue(result.output().contains("certificate is not yet valid"), result.output());
    }

    @Test
    void privateKeyFormsAllHoldTheCertifiedKey() throws IOException {
        for (HeldCertificate c : List.of(
                HeldCertificate.builder().rsa(2048).build(), HeldCertificate.builder().build())) {
            write("cert.pem", c.certificatePem());
            String certPublicKey = Cli.openssl(dir, "x509", "-in", "cert.pem", "-noout", "-pubkey").ok();

            assertTrue(c.privateKeyPem().startsWith("-----BEGIN PRIVATE KEY-----\n"));
            write("pkcs8.pem", c.privateKeyPem());
            assertEquals(certPublicKey, Cli.openssl(dir, "pkey", "-in", "pkcs8.pem", "-pubout").ok());
            // The DER is the PEM's content.
            write("pkcs8.der", c.privateKeyDer());
            assertEquals(certPublicKey, Cli.openssl(dir, "pkey", "-inform", "DER", "-in", "pkcs8.der", "-pubout").ok());

            String label = c.keyType().equals("RSA") ? "RSA PRIVATE KEY" : "EC PRIVATE KEY";
            assertTrue(c.privateKeyPkcs1Pem().startsWith("-----BEGIN " + label + "-----\n"), c.privateKeyPkcs1Pem());
            write("traditional.pem", c.privateKeyPkcs1Pem());
            assertEquals(certPublicKey, Cli.openssl(dir, "pkey", "-in", "traditional.pem", "-pubout").ok());

            String encrypted = c.encryptedPrivateKeyPem("correct horse");
            assertTrue(encrypted.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"), encrypted);
            write("encrypted.pem", encrypted);
            assertEquals(certPublicKey, Cli.openssl(dir, "pkey", "-in", "encrypted.pem",
                    "-passin", "pass:correct horse", "-pubout").ok());
            assertNotEquals(0, Cli.openssl(dir, "pkey", "-in", "encrypted.pem", "-passin", "pass:wrong", "-pubout").exitCode());
            assertTrue(Cli.openssl(dir, "asn1parse", "-in", "encrypted.pem").ok().contains("aes-256-cbc"));

            String traditional = c.encryptedPrivateKeyPkcs1Pem("correct horse");
            assertTrue(traditional.startsWith("-----BEGIN " + label + "-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,"),
                    traditional);
            write("encrypted1.pem", traditional);
            assertEquals(certPublicKey, Cli.openssl(dir, "pkey", "-in", "encrypted1.pem",
                    "-passin", "pass:correct horse", "-pubout").ok());
            ExternalProcess.Result wrong = Cli.openssl(dir, "pkey", "-in", "encrypted1.pem", "-passin", "pass:wrong", "-pubout");
            assertNotEquals(0, wrong.exitCode(), wrong.output());
        }
    }

    @Test
    void keyTypeSizeIsWhatWasAskedFor() throws IOException {
        write("rsa.pem", HeldCertificate.builder().rsa(1024).build().privateKeyPem());
        assertTrue(Cli.openssl(dir, "pkey", "-in", "rsa.pem", "-noout", "-text").ok().contains("Private-Key: (1024 bit"));
        write("p521.pem", HeldCertificate.builder().ec("secp521r1").build().privateKeyPem());
        String text = Cli.openssl(dir, "pkey", "-in", "p521.pem", "-noout", "-text").ok();
        assertTrue(text.contains("Private-Key: (521 bit)") && text.contains("secp521r1"), text);
        write("ed.pem", HeldCertificate.builder().ed25519().build().privateKeyPem());
        assertTrue(Cli.openssl(dir, "pkey", "-in", "ed.pem", "-noout", "-text").ok().contains("ED25519 Private-Key"));
    }

    @Test
    void ed25519HasNoTraditionalKeyForm() {
        HeldCertificate ed = HeldCertificate.builder().ed25519().build();
        assertThrows(UnsupportedOperationException.class, ed::privateKeyPkcs1Pem);
        assertThrows(UnsupportedOperationException.class, () -> ed.encryptedPrivateKeyPkcs1Pem("pass"));
        assertTrue(ed.encryptedPrivateKeyPem("pass").contains("ENCRYPTED PRIVATE KEY"));
    }

    @Test
    void pkcs12HoldsKeyCertificateAndIntermediates() throws IOException {
        HeldCertificate leaf = HeldCertificate.builder().commonName("p12 leaf").signedBy(intermediate).build();
        write("leaf.p12", leaf.pkcs12("s3cret"));
        String info = Cli.openssl(dir, "pkcs12", "-in", "leaf.p12", "-info", "-nodes", "-passin", "pass:s3cret").ok();
        assertTrue(info.contains("subject=CN = p12 leaf"), info);
        assertTrue(info.contains("subject=CN = Test Intermediate"), info);
        assertFalse(info.contains("subject=CN = Test Root"), info);
        assertTrue(info.contains("-----BEGIN PRIVATE KEY-----"), info);
        assertTrue(info.contains("AES-256-CBC"), info);

        // The key in the file is the leaf's key.
        String keys = Cli.openssl(dir, "pkcs12", "-in", "leaf.p12", "-nocerts", "-nodes", "-passin", "pass:s3cret").ok();
        write("p12key.pem", keys);
        write("leafkey.pem", leaf.privateKeyPem());
        assertEquals(Cli.openssl(dir, "pkey", "-in", "leafkey.pem", "-pubout").ok(),
                Cli.openssl(dir, "pkey", "-in", "p12key.pem", "-pubout").ok());

        ExternalProcess.Result wrong = Cli.openssl(dir, "pkcs12", "-in", "leaf.p12", "-info", "-nodes", "-passin", "pass:nope");
        assertNotEquals(0, wrong.exitCode());
        assertTrue(wrong.output().contains("Mac verify error"), wrong.output());

        write("named.p12", leaf.pkcs12("s3cret", "my server"));
        assertTrue(Cli.openssl(dir, "pkcs12", "-in", "named.p12", "-info", "-nodes", "-passin", "pass:s3cret").ok()
                .contains("friendlyName: my server"));
        write("root.p12", root.pkcs12("s3cret"));
        String rootInfo = Cli.openssl(dir, "pkcs12", "-in", "root.p12", "-info", "-nodes", "-passin", "pass:s3cret").ok();
        assertEquals(1, count(rootInfo, "-----BEGIN CERTIFICATE-----"), rootInfo);
    }

    @Test
    void keyOfReusesTheKeyPair() throws IOException {
        HeldCertificate first = HeldCertificate.builder().rsa(2048).commonName("first").build();
        HeldCertificate renewed = HeldCertificate.builder().keyOf(first).commonName("renewed").build();
        assertEquals("RSA", renewed.keyType());
        write("a.pem", first.certificatePem());
        write("b.pem", renewed.certificatePem());
        assertEquals(Cli.openssl(dir, "x509", "-in", "a.pem", "-noout", "-pubkey").ok(),
                Cli.openssl(dir, "x509", "-in", "b.pem", "-noout", "-pubkey").ok());
        assertTrue(text(renewed).contains("Digital Signature, Key Encipherment"), "RSA key usage follows the reused key");
    }

    @Test
    void derAndPemAreTheSameCertificate() throws IOException {
        HeldCertificate c = HeldCertificate.builder().build();
        write("c.der", c.certificateDer());
        assertEquals(c.certificatePem(), Cli.openssl(dir, "x509", "-inform", "DER", "-in", "c.der").ok());
        byte[] der = c.certificateDer();
        der[0] = 0;
        assertNotEquals(der[0], c.certificateDer()[0], "certificateDer() returns a copy");
    }

    @Test
    void commonNameDefaultsToARandomUuidAndSubjectIsUtf8() throws IOException {
        HeldCertificate c = HeldCertificate.builder().build();
        assertTrue(c.commonName().matches("[0-9a-f-]{36}"), c.commonName());
        HeldCertificate unicode = HeldCertificate.builder().commonName("Zürich Ωmega").build();
        write("u.pem", unicode.certificatePem());
        String subject = Cli.openssl(dir, "x509", "-in", "u.pem", "-noout", "-subject", "-nameopt", "utf8").ok();
        assertEquals("subject=CN=Zürich Ωmega\n", subject);
    }

    @Test
    void buildsConcurrentlyFromManyThreads() throws Exception {
        List<java.util.concurrent.Future<HeldCertificate>> futures = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < 16; i++) {
                String name = "host" + i + ".example.com";
                futures.add(pool.submit(() -> HeldCertificate.builder().commonName(name)
                        .addSubjectAltName(name).signedBy(intermediate).build()));
            }
        }
        write("root.pem", root.certificatePem());
        write("inter.pem", intermediate.certificatePem());
        for (int i = 0; i < futures.size(); i++) {
            write("leaf" + i + ".pem", futures.get(i).get().certificatePem());
            Cli.openssl(dir, "verify", "-CAfile", "root.pem", "-untrusted", "inter.pem", "leaf" + i + ".pem").ok();
        }
        assertEquals(16, futures.stream().map(f -> f.resultNow().serialNumber()).distinct().count());
    }

    @Test
    void valueSemantics() {
        assertEquals(root, root);
        assertNotEquals(root, intermediate);
        assertEquals(root.hashCode(), root.hashCode());
        assertTrue(root.toString().contains("CN=Test Root") && root.toString().contains("self-signed"), root.toString());
        assertTrue(intermediate.toString().contains("issuer CN=Test Root"), intermediate.toString());
    }

    // ---- helpers ----

    private void write(String name, String content) throws IOException {
        Files.writeString(dir.resolve(name), content);
    }

    private void write(String name, byte[] content) throws IOException {
        Files.write(dir.resolve(name), content);
    }

    private String text(HeldCertificate c) throws IOException {
        write("text.pem", c.certificatePem());
        return Cli.openssl(dir, "x509", "-in", "text.pem", "-noout", "-text").ok();
    }

    private BigInteger opensslSerial(HeldCertificate c) throws IOException {
        write("serial.pem", c.certificatePem());
        String out = Cli.openssl(dir, "x509", "-in", "serial.pem", "-noout", "-serial").ok().trim();
        assertTrue(out.startsWith("serial="), out);
        return new BigInteger(out.substring("serial=".length()), 16);
    }

    private static final DateTimeFormatter OPENSSL_DATE =
            DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss yyyy 'GMT'", Locale.ROOT);

    /** openssl's notBefore/notAfter are the instants HeldCertificate reports. */
    private void assertDates(HeldCertificate c) throws IOException {
        write("dates.pem", c.certificatePem());
        String out = Cli.openssl(dir, "x509", "-in", "dates.pem", "-noout", "-startdate", "-enddate").ok();
        Matcher m = Pattern.compile("notBefore=(.*)\nnotAfter=(.*)\n").matcher(out);
        assertTrue(m.matches(), out);
        assertEquals(c.notBefore(), ZonedDateTime.of(java.time.LocalDateTime.parse(m.group(1), OPENSSL_DATE),
                ZoneOffset.UTC).toInstant());
        assertEquals(c.notAfter(), ZonedDateTime.of(java.time.LocalDateTime.parse(m.group(2), OPENSSL_DATE),
                ZoneOffset.UTC).toInstant());
    }

    private static void assertNear(Instant expected, Instant actual) {
        assertTrue(Duration.between(expected, actual).abs().compareTo(Duration.ofSeconds(30)) < 0,
                expected + " vs " + actual);
    }

    /** The extension's header line is followed by its value on the next line. */
    private static void assertExtension(String text, String header, String value) {
        assertEquals(value, extensionValue(text, header), text);
    }

    private static String extensionValue(String text, String header) {
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length - 1; i++) {
            if (lines[i].trim().equals(header.trim())) {
                return lines[i + 1].trim();
            }
        }
        throw new AssertionError("no " + header + " in\n" + text);
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
