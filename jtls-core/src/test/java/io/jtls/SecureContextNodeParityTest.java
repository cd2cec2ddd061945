package io.jtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.context.SecureContextOptions;
import io.jtls.error.NodeError;
import io.jtls.error.TlsArgumentException;
import io.jtls.error.TlsException;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.pki.CertificateRevocationList;
import io.jtls.pki.HeldCertificate;
import io.jtls.support.ExternalProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same options, good and bad, given to Node's {@code tls.createSecureContext} (a real
 * {@code node} process reading the same PEM files) and to jtls's: both accept the same cases,
 * and reject the others with the same {@code err.code} and, where Node's message comes from
 * OpenSSL or from Node's C++ layer, the same message.
 */
class SecureContextNodeParityTest {
    @TempDir
    static Path dir;

    private static long liveAtStart;

    /**
     * One case: the JavaScript options expression (files are read by {@code r('name')}) and the
     * Java options built from the same files.
     */
    private record Case(String js, Function<Files2, SecureContextOptions.Builder> java) {}

    /** Reads the test files from Java, as {@code r()} does in the script. */
    record Files2(Path dir) {
        String s(String name) {
            try {
                return Files.readString(dir.resolve(name));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        byte[] b(String name) {
            try {
                return Files.readAllBytes(dir.resolve(name));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static final Map<String, Case> CASES = new LinkedHashMap<>();

    private static void add(String name, String js, Function<Files2, SecureContextOptions.Builder> java) {
        CASES.put(name, new Case(js, java));
    }

    static {
        String garbageBlock = "-----BEGIN CERTIFICATE-----\\n!!!!\\n-----END CERTIFICATE-----\\n";
        add("defaults", "{}", f -> SecureContextOptions.builder());
        add("rsaCertAndKey", "{cert: r('rsa.pem'), key: r('rsa.key')}",
                f -> SecureContextOptions.builder().cert(f.s("rsa.pem")).key(f.s("rsa.key")));
        add("keyMismatch", "{cert: r('rsa.pem'), key: r('other-rsa.key')}",
                f -> SecureContextOptions.builder().cert(f.s("rsa.pem")).key(f.s("other-rsa.key")));
        add("keyOfOtherTypeIsNotAMismatch", "{cert: r('rsa.pem'), key: r('ec.key')}",
                f -> SecureContextOptions.builder().cert(f.s("rsa.pem")).key(f.s("ec.key")));
        add("keyWithoutCert", "{key: r('rsa.key')}", f -> SecureContextOptions.builder().key(f.s("rsa.key")));
        add("encryptedKeyGoodPassphrase", "{cert: r('rsa.pem'), key: r('rsa-enc.key'), passphrase: 'secret'}",
                f -> SecureContextOptions.builder().cert(f.s("rsa.pem")).key(f.s("rsa-enc.key")).passphrase("secret"));
        add("encryptedKeyWrongPassphrase", "{cert: r('rsa.pem'), key: r('rsa-enc.key'), passphrase: 'nope'}",
                f -> SecureContextOptions.builder().cert(f.s("rsa.pem")).key(f.s("rsa-enc.key")).passphrase("nope"));
        add("encryptedKeyNoPassphrase", "{cert: r('rsa.pem'), key: r('rsa-enc.key')}",
                f -> SecureContextOptions.builder().cert(f.s("rsa.pem")).key(f.s("rsa-enc.key")));
        add("traditionalEncryptedKey", "{cert: r('ec.pem'), key: r('ec-enc-trad.key'), passphrase: 'secret'}",
                f -> SecureContextOptions.builder().cert(f.s("ec.pem")).key(f.s("ec-enc-trad.key")).passphrase("secret"));
        add("traditionalEncryptedKeyWrong", "{cert: r('ec.pem'), key: r('ec-enc-trad.key'), passphrase: 'nope'}",
                f -> SecureContextOptions.builder().cert(f.s("ec.pem")).key(f.s("ec-enc-trad.key")).passphrase("nope"));
        add("keyObjectPassphrase", "{cert: r('rsa.pem'), key: [{pem: r('rsa-enc.key'), passphrase: 'secret'}], passphrase: 'nope'}",
                f -> SecureContextOptions.builder().cert(f.s("rsa.pem")).key(f.s("rsa-enc.key"), "secret").passphrase("nope"));
        add("keyObjectFallsBackToPassphrase", "{cert: r('rsa.pem'), key: [{pem: r('rsa-enc.key')}], passphrase: 'secret'}",
                f -> SecureContextOptions.builder().cert(f.s("rsa.pem"))
                        .key(List.of(new SecureContextOptions.KeyPem(f.s("rsa-enc.key"), null))).passphrase("secret"));
        add("rsaAndEcChains", "{cert: [r('rsa.pem'), r('ec.pem')], key: [r('ec.key'), r('rsa.key')]}",
                f -> SecureContextOptions.builder().cert(List.of(f.s("rsa.pem"), f.s("ec.pem")))
                        .addKey(f.s("ec.key")).addKey(f.s("rsa.key")));
        add("pkcs1AndSec1Keys", "{cert: [r('rsa.pem'), r('ec.pem')], key: [r('rsa-pkcs1.key'), r('ec-sec1.key')]}",
                f -> SecureContextOptions.builder().cert(List.of(f.s("rsa.pem"), f.s("ec.pem")))
                        .addKey(f.s("rsa-pkcs1.key")).addKey(f.s("ec-sec1.key")));
        add("garbageKey", "{key: 'garbage'}", f -> SecureContextOptions.builder().key("garbage"));
        add("garbageCert", "{cert: 'garbage'}", f -> SecureContextOptions.builder().cert("garbage"));
        add("badBase64Cert", "{cert: '" + garbageBlock + "'}",
                f -> SecureContextOptions.builder().cert(garbageBlock.replace("\\n", "\n")));
        add("certThenDamagedBlock", "{cert: r('rsa.pem') + '" + garbageBlock + "'}",
                f -> SecureContextOptions.builder().cert(f.s("rsa.pem") + garbageBlock.replace("\\n", "\n")));
        add("certThenText", "{cert: r('rsa.pem') + 'trailing words\\n'}",
                f -> SecureContextOptions.builder().cert(f.s("rsa.pem") + "trailing words\n"));
        add("caGarbageIsIgnored", "{ca: ['garbage', r('root.pem')]}",
                f -> SecureContextOptions.builder().ca(List.of("garbage", f.s("root.pem"))));
        add("trustedCertificateCa", "{ca: r('root-trusted.pem')}",
                f -> SecureContextOptions.builder().ca(f.s("root-trusted.pem")));
        add("unknownCipher", "{ciphers: 'NOPE'}", f -> SecureContextOptions.builder().ciphers("NOPE"));
        add("lowerCaseCipher", "{ciphers: 'ecdhe-rsa-aes128-gcm-sha256'}",
                f -> SecureContextOptions.builder().ciphers("ecdhe-rsa-aes128-gcm-sha256"));
        add("unknownTls13Suite", "{ciphers: 'TLS_NOPE'}", f -> SecureContextOptions.builder().ciphers("TLS_NOPE"));
        add("oneKnownTls13SuiteIsEnough", "{ciphers: 'TLS_AES_128_GCM_SHA256:TLS_NOPE'}",
                f -> SecureContextOptions.builder().ciphers("TLS_AES_128_GCM_SHA256:TLS_NOPE"));
        add("noCipherNames", "{ciphers: ':'}", f -> SecureContextOptions.builder().ciphers(":"));
        add("threeEmptyCipherNames", "{ciphers: '::'}", f -> SecureContextOptions.builder().ciphers("::"));
        add("keyIdentifierWithKeyQuoted", "{privateKeyIdentifier: \"it's\", privateKeyEngine: 'e', key: r('rsa.key')}",
                f -> SecureContextOptions.builder().privateKeyIdentifier("it's").privateKeyEngine("e").key(f.s("rsa.key")));
        add("unknownCurve", "{ecdhCurve: 'nope'}", f -> SecureContextOptions.builder().ecdhCurve("nope"));
        add("emptyCurve", "{ecdhCurve: ''}", f -> SecureContextOptions.builder().ecdhCurve(""));
        add("curveList", "{ecdhCurve: 'P-384:X25519:prime256v1'}",
                f -> SecureContextOptions.builder().ecdhCurve("P-384:X25519:prime256v1"));
        add("dhparam2048", "{dhparam: r('dh2048.pem')}", f -> SecureContextOptions.builder().dhparam(f.b("dh2048.pem")));
        // Node's bundled OpenSSL is at security level 1; Debian's libssl3 has level 2 compiled in.
        add("dhparam1024", "{dhparam: r('dh1024.pem')}", f -> SecureContextOptions.builder().dhparam(f.b("dh1024.pem")));
        add("rsa1024Key", "{cert: r('rsa1024.pem'), key: r('rsa1024.key')}",
                f -> SecureContextOptions.builder().cert(f.s("rsa1024.pem")).key(f.s("rsa1024.key")));
        add("dhparam512", "{dhparam: r('dh512.pem')}", f -> SecureContextOptions.builder().dhparam(f.b("dh512.pem")));
        add("dhparamGarbage", "{dhparam: 'garbage'}", f -> SecureContextOptions.builder().dhparam("garbage"));
        add("minAboveMax", "{minVersion: 'TLSv1.3', maxVersion: 'TLSv1.2'}",
                f -> SecureContextOptions.builder().minVersion("TLSv1.3").maxVersion("TLSv1.2"));
        add("unknownMinVersion", "{minVersion: 'TLSv9'}", f -> SecureContextOptions.builder().minVersion("TLSv9"));
        add("unknownMaxVersion", "{maxVersion: 'SSLv3'}", f -> SecureContextOptions.builder().maxVersion("SSLv3"));
        add("unknownMethod", "{secureProtocol: 'Nope_method'}", f -> SecureContextOptions.builder().secureProtocol("Nope_method"));
        add("tls13MethodDoesNotExist", "{secureProtocol: 'TLSv1_3_method'}",
                f -> SecureContextOptions.builder().secureProtocol("TLSv1_3_method"));
        add("sslv3Method", "{secureProtocol: 'SSLv3_method'}", f -> SecureContextOptions.builder().secureProtocol("SSLv3_method"));
        add("sslv2Method", "{secureProtocol: 'SSLv2_server_method'}",
                f -> SecureContextOptions.builder().secureProtocol("SSLv2_server_method"));
        add("methodConflictsWithMin", "{secureProtocol: 'TLS_method', minVersion: 'TLSv1.2'}",
                f -> SecureContextOptions.builder().secureProtocol("TLS_method").minVersion("TLSv1.2"));
        add("methodConflictsWithMax", "{secureProtocol: 'TLSv1_2_method', maxVersion: 'TLSv1.3'}",
                f -> SecureContextOptions.builder().secureProtocol("TLSv1_2_method").maxVersion("TLSv1.3"));
        add("ticketKeys47", "{ticketKeys: Buffer.alloc(47)}", f -> SecureContextOptions.builder().ticketKeys(new byte[47]));
        add("ticketKeys48", "{ticketKeys: Buffer.alloc(48, 7)}", f -> SecureContextOptions.builder().ticketKeys(filled(48, 7)));
        add("negativeSessionTimeout", "{sessionTimeout: -1}", f -> SecureContextOptions.builder().sessionTimeout(-1));
        add("sessionIdContext32", "{sessionIdContext: 'x'.repeat(32)}",
                f -> SecureContextOptions.builder().sessionIdContext("x".repeat(32)));
        add("pfxGood", "{pfx: r('rsa.p12'), passphrase: 'secret'}",
                f -> SecureContextOptions.builder().pfx(f.b("rsa.p12")).passphrase("secret"));
        add("pfxEntryPassphrase", "{pfx: [{buf: r('rsa.p12'), passphrase: 'secret'}], passphrase: 'nope'}",
                f -> SecureContextOptions.builder().pfx(f.b("rsa.p12"), "secret").passphrase("nope"));
        add("pfxWrongPassphrase", "{pfx: r('rsa.p12'), passphrase: 'nope'}",
                f -> SecureContextOptions.builder().pfx(f.b("rsa.p12")).passphrase("nope"));
        add("pfxNoPassphrase", "{pfx: r('rsa.p12')}", f -> SecureContextOptions.builder().pfx(f.b("rsa.p12")));
        add("pfxGarbage", "{pfx: Buffer.from('garbage')}",
                f -> SecureContextOptions.builder().pfx("garbage".getBytes(StandardCharsets.US_ASCII)));
        add("crlGood", "{ca: r('root.pem'), crl: r('crl.pem')}",
                f -> SecureContextOptions.builder().ca(f.s("root.pem")).crl(f.s("crl.pem")));
        add("crlGarbage", "{crl: 'garbage'}", f -> SecureContextOptions.builder().crl("garbage"));
        add("sigalgsGood", "{sigalgs: 'RSA-PSS+SHA256:ECDSA+SHA256'}",
                f -> SecureContextOptions.builder().sigalgs("RSA-PSS+SHA256:ECDSA+SHA256"));
        add("sigalgsEmpty", "{sigalgs: ''}", f -> SecureContextOptions.builder().sigalgs(""));
        add("keyIdentifierWithoutEngine", "{privateKeyIdentifier: 'k'}",
                f -> SecureContextOptions.builder().privateKeyIdentifier("k"));
        add("keyIdentifierWithKey", "{privateKeyIdentifier: 'k', privateKeyEngine: 'e', key: r('rsa.key')}",
                f -> SecureContextOptions.builder().privateKeyIdentifier("k").privateKeyEngine("e").key(f.s("rsa.key")));
        add("unknownClientCertEngine", "{clientCertEngine: 'jtls-no-such-engine'}",
                f -> SecureContextOptions.builder().clientCertEngine("jtls-no-such-engine"));
        add("unknownPrivateKeyEngine", "{privateKeyEngine: 'jtls-no-such-engine', privateKeyIdentifier: 'k'}",
                f -> SecureContextOptions.builder().privateKeyEngine("jtls-no-such-engine").privateKeyIdentifier("k"));
        add("engineWithoutClientCertMethod", "{clientCertEngine: 'dynamic'}",
                f -> SecureContextOptions.builder().clientCertEngine("dynamic"));
    }

    /**
     * Cases whose Node message is JavaScript's rendering of the value ({@code [ '', '' ]}) or
     * OpenSSL's error printed with file and line: only the code (or the reason) is compared.
     */
    private static final List<String> CODE_ONLY = List.of();

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    @BeforeAll
    static void writeMaterial() throws IOException {
        liveAtStart = NativeKind.liveTotal();
        HeldCertificate root = HeldCertificate.builder().commonName("Parity Root").certificateAuthority(1).build();
        HeldCertificate inter = HeldCertificate.builder().commonName("Parity Inter").certificateAuthority(0)
                .signedBy(root).build();
        HeldCertificate rsa = HeldCertificate.builder().commonName("rsa.example").rsa(2048).signedBy(inter).build();
        HeldCertificate otherRsa = HeldCertificate.builder().commonName("other").rsa(2048).build();
        HeldCertificate ec = HeldCertificate.builder().commonName("ec.example").ec("prime256v1").signedBy(root).build();
        write("root.pem", root.certificatePem());
        write("rsa.pem", rsa.chainPem());
        write("rsa.key", rsa.privateKeyPem());
        write("rsa-pkcs1.key", rsa.privateKeyPkcs1Pem());
        write("rsa-enc.key", rsa.encryptedPrivateKeyPem("secret"));
        write("other-rsa.key", otherRsa.privateKeyPem());
        write("ec.pem", ec.certificatePem());
        write("ec.key", ec.privateKeyPem());
        write("ec-sec1.key", ec.privateKeyPkcs1Pem());
        write("ec-enc-trad.key", ec.encryptedPrivateKeyPkcs1Pem("secret"));
        Files.write(dir.resolve("rsa.p12"), rsa.pkcs12("secret"));
        write("crl.pem", CertificateRevocationList.pem(root, List.of(ec), Instant.now().minusSeconds(60),
                Instant.now().plusSeconds(3600)));
        openssl("x509", "-in", "root.pem", "-addtrust", "serverAuth", "-out", "root-trusted.pem");
        openssl("genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe2048", "-out", "dh2048.pem");
        openssl("genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "dh_paramgen_prime_len:512", "-out", "dh512.pem");
        openssl("genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "dh_paramgen_prime_len:1024", "-out", "dh1024.pem");
        HeldCertificate rsa1024 = HeldCertificate.builder().commonName("small.example").rsa(1024).build();
        write("rsa1024.pem", rsa1024.certificatePem());
        write("rsa1024.key", rsa1024.privateKeyPem());
    }

    @AfterAll
    static void nothingLeaks() {
        System.gc();
        assertEquals(liveAtStart, NativeKind.liveTotal(), NativeKind.liveSummary());
    }

    private static void write(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text);
    }

    private static void openssl(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "openssl";
        System.arraycopy(args, 0, command, 1, args.length);
        ExternalProcess.Result result = ExternalProcess.run(dir, Duration.ofSeconds(60), List.of(command));
        assertEquals(0, result.exitCode(), result.output());
    }

    private static Map<String, String[]> nodeAnswers;

    /** What Node says for every case: name TAB code TAB message (JSON); asked once. */
    private static synchronized Map<String, String[]> askNode() throws IOException {
        if (nodeAnswers != null) {
            return nodeAnswers;
        }
        StringBuilder js = new StringBuilder("""
                const tls = require('tls'), fs = require('fs'), path = require('path');
                const r = (f) => fs.readFileSync(path.join(process.argv[2], f));
                const cases = {
                """);
        CASES.forEach((name, c) -> js.append("  ").append(name).append(": () => (").append(c.js()).append("),\n"));
        js.append("""
                };
                process.removeAllListeners('warning');
                process.on('warning', () => {});
                for (const [name, options] of Object.entries(cases)) {
                  try {
                    tls.createSecureContext(options());
                    console.log([name, 'OK', '""', ''].join('\\t'));
                  } catch (e) {
                    console.log([name, e.code || 'undefined', JSON.stringify(e.message), e.name].join('\\t'));
                  }
                }
                """);
        Path script = dir.resolve("parity.js");
        Files.writeString(script, js);
        ExternalProcess.Result result = ExternalProcess.run(dir, Duration.ofSeconds(60),
                List.of("node", script.toString(), dir.toString()));
        assertEquals(0, result.exitCode(), result.output());
        Map<String, String[]> out = new LinkedHashMap<>();
        for (String line : result.output().split("\n")) {
            String[] parts = line.split("\t", 4);
            if (parts.length == 4 && CASES.containsKey(parts[0])) {
                out.put(parts[0], new String[] {parts[1], parts[2], parts[3]});
            }
        }
        assertEquals(CASES.keySet(), out.keySet(), result.output());
        nodeAnswers = out;
        return out;
    }

    /**
     * Node's OpenSSL records no function names, so its messages read
     * {@code error:05800074:x509 certificate routines::key values mismatch}; the system
     * OpenSSL adds {@code X509_check_private_key} between the colons. That part is dropped
     * before comparing (OpenSslError.text() keeps it).
     */
    private static String withoutFunction(String message) {
        return message.replaceFirst("^(\"?error:[0-9A-F]{8}:[^:]*:)[^:]*(:)", "$1$2");
    }

    private static String[] askJtls(Case c) {
        Files2 files = new Files2(dir);
        try (SecureContext ignored = Tls.createSecureContext(c.java().apply(files).build())) {
            return new String[] {"OK", "\"\"", ""};
        } catch (TlsException | TlsArgumentException e) {
            NodeError n = (NodeError) e;
            return new String[] {n.code(), "\"" + withoutFunction(e.getMessage()).replace("\"", "\\\"") + "\"", n.name()};
        }
    }

    /**
     * Node's message, or Node's message followed by {@code "; "} and the option jtls names (and
     * what it adds: the file, the cause): {@code ...bad decrypt; options.key: encrypted private
     * key and no passphrase}. Both are quoted.
     */
    private static boolean sameMessage(String node, String jtls) {
        return node.equals(jtls) || jtls.startsWith(node.substring(0, node.length() - 1) + "; options.");
    }

    @Test
    void everyCaseAcceptedOrRejectedAsNodeDoes() throws IOException {
        Map<String, String[]> node = askNode();
        StringBuilder mismatches = new StringBuilder();
        for (Map.Entry<String, Case> e : CASES.entrySet()) {
            String name = e.getKey();
            String[] expected = node.get(name);
            String[] actual = askJtls(e.getValue());
            boolean nodeHasCode = !expected[0].equals("undefined");
            boolean same = nodeHasCode
                    ? expected[0].equals(actual[0]) && expected[2].equals(actual[2])
                            && (CODE_ONLY.contains(name) || sameMessage(expected[1], actual[1]))
                    : sameMessage(expected[1], actual[1]); // Node gave no code: compare the message
            if (!same) {
                mismatches.append(String.format("%n%-32s node: %s %s %s%n%-32s jtls: %s %s %s",
                        name, expected[2], expected[0], expected[1], "", actual[2], actual[0], actual[1]));
            }
        }
        assertTrue(mismatches.isEmpty(), "differences from node:" + mismatches);
    }

    @Test
    void nodeAndJtlsAgreeThatBadInputIsBad() throws IOException {
        // A guard on the table itself: it must exercise rejections, not only successes.
        long rejected = askNode().values().stream().filter(v -> !v[0].equals("OK")).count();
        assertTrue(rejected >= 30, "only " + rejected + " rejected cases");
    }
}
