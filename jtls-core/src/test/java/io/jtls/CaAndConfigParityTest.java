package io.jtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.error.TlsArgumentException;
import io.jtls.internal.openssl.OpenSsl;
import io.jtls.internal.openssl.OpenSslConfig;
import io.jtls.pki.HeldCertificate;
import io.jtls.support.ExternalProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Process-wide trust and OpenSSL configuration, each case in a JVM of its own
 * ({@link CaProbe}) beside Node v20 given the same switch: {@code NODE_EXTRA_CA_CERTS},
 * {@code --openssl-config}, {@code --openssl-shared-config}; and the CA lists
 * ({@code rootCertificates}, {@code getCACertificates}, {@code setDefaultCACertificates}).
 */
class CaAndConfigParityTest {
    @TempDir
    static Path dir;

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final HeldCertificate PRIVATE_ROOT = HeldCertificate.builder().commonName("Private Root")
            .certificateAuthority(0).ec("prime256v1").build();
    private static final HeldCertificate LEAF = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltName("localhost").ec("prime256v1").signedBy(PRIVATE_ROOT).build();
    private static TlsServer server;
    private static int port;

    @BeforeAll
    static void setUp() throws IOException {
        Files.writeString(dir.resolve("root.pem"), PRIVATE_ROOT.certificatePem());
        ExternalProcess.Result dh = ExternalProcess.run(dir, TIMEOUT, List.of("openssl", "genpkey", "-genparam",
                "-algorithm", "DH", "-pkeyopt", "dh_paramgen_prime_len:1024", "-out", "dh1024.pem"));
        assertEquals(0, dh.exitCode(), dh.output());
        String level2 = """
                [ssl_sect]
                system_default = system_default_sect
                [system_default_sect]
                CipherString = DEFAULT@SECLEVEL=2
                """;
        // Node's own section: applies to Node and jtls by default.
        Files.writeString(dir.resolve("node.cnf"), "nodejs_conf = node_init\n[node_init]\nssl_conf = ssl_sect\n" + level2);
        // Only the shared section, as a distribution's file: applies with --openssl-shared-config only.
        Files.writeString(dir.resolve("shared.cnf"), "openssl_conf = shared_init\n[shared_init]\nssl_conf = ssl_sect\n" + level2);
        server = Tls.createServer(TlsServerOptions.builder().cert(LEAF.chainPem()).key(LEAF.privateKeyPem()).build(),
                s -> s.end());
        port = TlsTesting.listen(server);
    }

    @AfterAll
    static void tearDown() {
        TlsTesting.close(server);
    }

    // ------------------------------------------------------------------ probes

    /** {@link CaProbe} in a new JVM: its step=result lines. */
    private static Map<String, String> jtls(List<String> env, List<String> jvmArgs, String... steps) {
        List<String> cmd = new ArrayList<>();
        if (!env.isEmpty()) {
            cmd.add("env");
            cmd.addAll(env);
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CaProbe.class.getName()));
        cmd.addAll(List.of(steps));
        return lines(ExternalProcess.run(dir, TIMEOUT, cmd));
    }

    /** The same steps in Node ({@code dhparam:FILE}, {@code connect:PORT}). */
    private static Map<String, String> node(List<String> env, List<String> nodeArgs, String... steps) {
        String script = """
                const tls = require('tls'), fs = require('fs');
                process.removeAllListeners('warning'); process.on('warning', () => {});
                (async () => {
                  for (const arg of process.argv.slice(1)) {
                    const i = arg.indexOf(':'), step = arg.slice(0, i), value = arg.slice(i + 1);
                    let result;
                    try {
                      if (step === 'dhparam') { tls.createSecureContext({dhparam: fs.readFileSync(value)}); result = 'OK'; }
                      else if (step === 'connect') {
                        result = await new Promise((resolve) => {
                          const s = tls.connect({host: '127.0.0.1', port: +value, servername: 'localhost'},
                              () => { resolve('authorized'); s.destroy(); });
                          s.on('error', (e) => resolve(e.code));
                        });
                      }
                    } catch (e) { result = e.code; }
                    console.log(step + '=' + result);
                  }
                })();
                """;
        List<String> cmd = new ArrayList<>();
        cmd.add("env");
        cmd.add("-u");
        cmd.add("NODE_EXTRA_CA_CERTS");
        cmd.addAll(env);
        cmd.add("node");
        cmd.addAll(nodeArgs);
        cmd.addAll(List.of("-e", script, "--"));
        cmd.addAll(List.of(steps));
        return lines(ExternalProcess.run(dir, TIMEOUT, cmd));
    }

    private static Map<String, String> lines(ExternalProcess.Result r) {
        assertEquals(0, r.exitCode(), r.output());
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^(\\w+)=(.*)$").matcher(r.output());
        while (m.find()) {
            out.merge(m.group(1), m.group(2), (a, b) -> a + " | " + b);
        }
        return out;
    }

    // ------------------------------------------------------------------ OpenSSL configuration

    @Test
    void aDistributionsSecurityLevelDoesNotApplyButNodejsConfDoes() {
        String dh = "dhparam:" + dir.resolve("dh1024.pem");
        String node = dir.resolve("node.cnf").toString();
        String shared = dir.resolve("shared.cnf").toString();
        record Row(String name, List<String> jvm, List<String> nodeArgs, String expected) {}
        List<Row> rows = List.of(
                // Node accepts a 1024-bit group (with a warning); Debian's libssl3 alone would not.
                new Row("defaults", List.of(), List.of(), "OK"),
                new Row("nodejs_conf at level 2", List.of("-Djtls.openssl.config=" + node),
                        List.of("--openssl-config=" + node), "ERR_CRYPTO_OPERATION_FAILED"),
                new Row("only openssl_conf", List.of("-Djtls.openssl.config=" + shared),
                        List.of("--openssl-config=" + shared), "OK"),
                new Row("openssl_conf, shared", List.of("-Djtls.openssl.config=" + shared, "-Djtls.openssl.sharedConfig=true"),
                        List.of("--openssl-config=" + shared, "--openssl-shared-config"), "ERR_CRYPTO_OPERATION_FAILED"));
        StringBuilder table = new StringBuilder();
        for (Row row : rows) {
            String j = jtls(List.of(), row.jvm(), dh).get("dhparam");
            String n = node(List.of(), row.nodeArgs(), dh).get("dhparam");
            table.append(String.format("%n%-24s node=%s jtls=%s", row.name(), n, j));
            assertEquals(row.expected(), n, "node, " + row.name() + table);
            assertEquals(n, j, row.name() + table);
        }
    }

    @Test
    void aBrokenConfigurationStopsBoth() throws IOException {
        Path bad = dir.resolve("bad.cnf");
        Files.writeString(bad, "nodejs_conf = x\n[x\nfoo\n");
        ExternalProcess.Result node = ExternalProcess.run(dir, TIMEOUT, List.of("node", "--openssl-config=" + bad, "-e", "1"));
        ExternalProcess.Result jtls = ExternalProcess.run(dir, TIMEOUT, List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-Djtls.openssl.config=" + bad, "-cp", System.getProperty("java.class.path"),
                OpenSsl.class.getName()));
        for (ExternalProcess.Result r : List.of(node, jtls)) {
            assertTrue(r.exitCode() != 0, r.output());
            assertTrue(r.output().contains("OpenSSL configuration error"), r.output());
            assertTrue(r.output().contains("missing close square bracket"), r.output());
        }
    }

    @Test
    void theSectionReadIsReported() {
        OpenSslConfig.Settings s = OpenSslConfig.settings();
        assertEquals(System.getProperty("jtls.openssl.sharedConfig") == null ? "nodejs_conf" : "openssl_conf", s.section());
        // This machine's configuration sets no level for Node's section: contexts start at Node's level 1.
        assertTrue(s.pinsSecurityLevel());
    }

    // ------------------------------------------------------------------ CA lists

    @Test
    void extraCaCertificatesAreTrustedAsNodeExtraCaCerts() {
        String root = dir.resolve("root.pem").toString();
        String connect = "connect:" + port;
        // Without: the private root is unknown to both.
        String nodeWithout = node(List.of(), List.of(), connect).get("connect");
        assertEquals("UNABLE_TO_VERIFY_LEAF_SIGNATURE", nodeWithout);
        assertEquals(nodeWithout, jtls(List.of("-u", "NODE_EXTRA_CA_CERTS"), List.of(), connect).get("connect"));
        // With: Node's variable, jtls's property, jtls's variable and Node's variable read by jtls.
        assertEquals("authorized", node(List.of("NODE_EXTRA_CA_CERTS=" + root), List.of(), connect).get("connect"));
        Map<String, String> byProperty = jtls(List.of(), List.of("-Djtls.extraCaCerts=" + root),
                "expect:" + root, "extra", "default", "bundled", connect);
        assertEquals("authorized", byProperty.get("connect"), byProperty.toString());
        assertEquals("1 first-matches=true contains=true", byProperty.get("extra"), byProperty.toString());
        assertTrue(byProperty.get("default").endsWith("contains=true"), byProperty.toString());
        int bundled = Integer.parseInt(byProperty.get("bundled").split(" ")[0]);
        assertEquals(bundled + 1, Integer.parseInt(byProperty.get("default").split(" ")[0]), byProperty.toString());
        assertEquals("authorized", jtls(List.of("JTLS_EXTRA_CA_CERTS=" + root), List.of(), connect).get("connect"));
        assertEquals("authorized", jtls(List.of("NODE_EXTRA_CA_CERTS=" + root), List.of(), connect).get("connect"));
        // A file that cannot be read is Node's warning, not a failure.
        Map<String, String> missing = jtls(List.of(), List.of("-Djtls.extraCaCerts=" + dir.resolve("nope.pem")),
                "extra", connect);
        assertEquals("0", missing.get("extra"));
        assertEquals("UNABLE_TO_VERIFY_LEAF_SIGNATURE", missing.get("connect"));
    }

    @Test
    void setDefaultCaCertificatesReplacesTheDefaultsAllOrNothing() {
        String root = dir.resolve("root.pem").toString();
        Map<String, String> r = jtls(List.of("-u", "NODE_EXTRA_CA_CERTS"), List.of(),
                "connect:" + port, "default",
                "setText:not a valid certificate",
                "setText:-----BEGIN CERTIFICATE-----\\nvalid cert content\\n-----END CERTIFICATE-----",
                "default",
                "set:" + root, "expect:" + root, "default", "connect:" + port);
        assertEquals("UNABLE_TO_VERIFY_LEAF_SIGNATURE | authorized", r.get("connect"), r.toString());
        String[] defaults = r.get("default").split(" \\| ");
        assertEquals(defaults[0], defaults[1], "a failed call leaves the defaults: " + r);
        assertEquals("1 first-matches=true contains=true", defaults[2], r.toString());
        // Node's codes for the two bad inputs (its test-tls-set-default-ca-certificates-recovery).
        assertEquals("ERR_CRYPTO_OPERATION_FAILED | ERR_OSSL_PEM_ASN1_LIB", r.get("setText"), r.toString());
        assertEquals("OK", r.get("set"), r.toString());
    }

    @Test
    void rootCertificatesAreTheBundleAsNodePrintsItsOwn() throws IOException {
        List<String> roots = Tls.rootCertificates();
        assertFalse(roots.isEmpty(), "this machine has a CA bundle");
        assertThrows(UnsupportedOperationException.class, () -> roots.add("x"));
        assertEquals(roots, Tls.getCACertificates("bundled"));
        // Node's strings end at the END line, without a newline.
        ExternalProcess.Result node = ExternalProcess.run(dir, TIMEOUT, List.of("node", "-p",
                "tls.rootCertificates.every(c => c.startsWith('-----BEGIN CERTIFICATE-----\\n')"
                + " && c.endsWith('\\n-----END CERTIFICATE-----')) && Object.isFrozen(tls.rootCertificates)"));
        assertEquals("true", node.output().strip());
        assertTrue(roots.stream().allMatch(c -> c.startsWith("-----BEGIN CERTIFICATE-----\n")
                && c.endsWith("\n-----END CERTIFICATE-----")));
        // The bundle is OpenSSL's default file: as many certificates as it holds.
        String bundleFile = System.getenv().getOrDefault("SSL_CERT_FILE", "/usr/lib/ssl/cert.pem");
        String bundle = Files.readString(Path.of(bundleFile));
        assertEquals(bundle.split("-----BEGIN CERTIFICATE-----", -1).length - 1, new HashSet<>(roots).size());
        // 'system' (the file plus the hashed directory) holds each of them once.
        List<String> system = Tls.getCACertificates("system");
        assertEquals(system.size(), new HashSet<>(system).size(), "no duplicates");
        assertTrue(system.containsAll(roots.stream().map(c -> c + "\n").toList()));
    }

    @Test
    void anUnknownTypeIsNodesTypeError() {
        TlsArgumentException e = assertThrows(TlsArgumentException.class, () -> Tls.getCACertificates("nope"));
        assertEquals("ERR_INVALID_ARG_VALUE", e.code());
        assertEquals("TypeError", e.name());
        assertEquals("The argument 'type' must be one of: 'default', 'system', 'bundled', 'extra'. Received 'nope'",
                e.getMessage());
        TlsArgumentException n = assertThrows(TlsArgumentException.class, () -> Tls.setDefaultCACertificates(null));
        assertEquals("ERR_INVALID_ARG_TYPE", n.code());
        List<String> withNull = new ArrayList<>();
        withNull.add(PRIVATE_ROOT.certificatePem());
        withNull.add(null);
        TlsArgumentException entry = assertThrows(TlsArgumentException.class, () -> Tls.setDefaultCACertificates(withNull));
        assertTrue(entry.getMessage().startsWith("The \"certs[1]\" argument must be of type string"), entry.getMessage());
    }
}
