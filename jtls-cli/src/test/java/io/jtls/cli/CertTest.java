package io.jtls.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jtls cert} as a process: what it writes is accepted by {@code openssl verify} and
 * {@code openssl pkcs12}, and serves a mutual-TLS handshake through {@code jtls serve} and
 * {@code jtls connect}.
 */
class CertTest {
    @TempDir
    Path dir;

    private static String openssl(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        return Cli.exec(null, Duration.ofSeconds(20), command).ok();
    }

    @Test
    void certificatesVerifyWithOpenSslAndServeMutualTls() throws Exception {
        String out = Cli.run(null, "cert", "--out", dir.toString(), "--name", "localhost,127.0.0.1", "--name", "svc.test",
                "--client", "alice", "--p12-password", "s3cret").ok();
        assertTrue(out.contains("server.pem") && out.contains("names localhost,127.0.0.1,svc.test"), out);

        String ca = dir.resolve("ca.pem").toString();
        assertEquals(dir.resolve("server.pem") + ": OK\n", openssl("verify", "-CAfile", ca, "-purpose", "sslserver",
                dir.resolve("server.pem").toString()));
        assertEquals(dir.resolve("client.pem") + ": OK\n", openssl("verify", "-CAfile", ca, "-purpose", "sslclient",
                dir.resolve("client.pem").toString()));
        String san = openssl("x509", "-in", dir.resolve("server.pem").toString(), "-noout", "-ext", "subjectAltName");
        assertTrue(san.contains("DNS:localhost, IP Address:127.0.0.1, DNS:svc.test"), san);
        assertTrue(openssl("x509", "-in", ca, "-noout", "-ext", "basicConstraints").contains("CA:TRUE"));

        // PKCS#12: the key and certificate, under the password given; the key matches the PEM one.
        String p12 = openssl("pkcs12", "-in", dir.resolve("client.p12").toString(), "-passin", "pass:s3cret", "-nodes");
        assertTrue(p12.contains("subject=CN = alice") && p12.contains("friendlyName: client"), p12);
        assertTrue(p12.contains("-----BEGIN PRIVATE KEY-----"), p12);
        String pemKey = openssl("pkey", "-in", dir.resolve("client-key.pem").toString(), "-pubout");
        String p12Key = openssl("pkey", "-in", writeTemp(p12), "-pubout");
        assertEquals(pemKey, p12Key);

        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("server-key.pem"))));
        }
        // Nothing is overwritten without --force.
        Cli.Result again = Cli.run(null, "cert", "--out", dir.toString());
        assertEquals(2, again.exitCode(), again.describe());
        assertTrue(again.stderr().contains("exists"), again.describe());

        // The files serve a mutual-TLS handshake, each side verifying the other.
        try (Cli.Running server = Cli.Running.serve("--cert", dir.resolve("server.pem").toString(),
                "--key", dir.resolve("server-key.pem").toString(), "--ca", ca, "--request-cert")) {
            String client = Cli.run(null, "connect", "--port", String.valueOf(server.port()), "--servername", "svc.test",
                    "--ca", ca, "--cert", dir.resolve("client.pem").toString(), "--key", dir.resolve("client-key.pem").toString(),
                    "--no-stdin").ok();
            assertTrue(client.startsWith("New ") && client.contains(" sni=svc.test ") && client.contains(" authorized=true "), client);
            Matcher line = server.awaitLine(Pattern.compile("^connection from .* authorized=(\\S+) peer=\"(.*)\"$"));
            assertEquals("true", line.group(1));
            assertEquals("alice", line.group(2));
        }
    }

    @Test
    void anExistingCaSignsTheNextCertificates() {
        Cli.run(null, "cert", "--out", dir.resolve("first").toString()).ok();
        String ca = dir.resolve("first/ca.pem").toString();
        String out = Cli.run(null, "cert", "--out", dir.resolve("second").toString(), "--ca-cert", ca,
                "--ca-key", dir.resolve("first/ca-key.pem").toString(), "--name", "next.test").ok();
        assertTrue(out.startsWith("CA      " + ca), out);
        assertTrue(!Files.exists(dir.resolve("second/ca.pem")));
        assertEquals(dir.resolve("second/server.pem") + ": OK\n", openssl("verify", "-CAfile", ca,
                dir.resolve("second/server.pem").toString()));
        // A request made by openssl (its key stays with openssl) is signed by the same CA.
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", dir.resolve("app-key.pem").toString(), "-out", dir.resolve("app.csr").toString(), "-subj", "/CN=app.test");
        String signed = Cli.run(null, "cert", "--csr", dir.resolve("app.csr").toString(), "--ca-cert", ca,
                "--ca-key", dir.resolve("first/ca-key.pem").toString(), "--name", "app.test", "--usage", "serverAuth",
                "--out", dir.resolve("csr").toString()).ok();
        assertTrue(signed.startsWith("signed  " + dir.resolve("csr/signed.pem")), signed);
        assertEquals(dir.resolve("csr/signed.pem") + ": OK\n", openssl("verify", "-CAfile", ca, "-purpose", "sslserver",
                dir.resolve("csr/signed.pem").toString()));
        assertTrue(openssl("x509", "-in", dir.resolve("csr/signed.pem").toString(), "-noout", "-subject", "-ext", "subjectAltName")
                .contains("DNS:app.test"));
        // A leaf is no CA.
        Cli.Result notCa = Cli.run(null, "cert", "--out", dir.resolve("third").toString(),
                "--ca-cert", dir.resolve("first/server.pem").toString(), "--ca-key", dir.resolve("first/server-key.pem").toString());
        assertEquals(2, notCa.exitCode(), notCa.describe());
        assertTrue(notCa.stderr().contains("not a CA"), notCa.describe());
    }

    @Test
    void rsaAndEd25519KeysOnRequest() {
        Cli.run(null, "cert", "--out", dir.resolve("rsa").toString(), "--key-type", "rsa", "--rsa-bits", "2048").ok();
        assertTrue(openssl("x509", "-in", dir.resolve("rsa/server.pem").toString(), "-noout", "-text")
                .contains("Public-Key: (2048 bit)"));
        Cli.run(null, "cert", "--out", dir.resolve("ed").toString(), "--key-type", "ed25519").ok();
        assertTrue(openssl("x509", "-in", dir.resolve("ed/client.pem").toString(), "-noout", "-text").contains("ED25519"));
        assertEquals(dir.resolve("ed/server.pem") + ": OK\n", openssl("verify", "-CAfile", dir.resolve("ed/ca.pem").toString(),
                dir.resolve("ed/server.pem").toString()));
        Cli.Result bad = Cli.run(null, "cert", "--out", dir.resolve("x").toString(), "--key-type", "dsa");
        assertEquals(2, bad.exitCode(), bad.describe());
    }

    private String writeTemp(String content) {
        try {
            return Files.writeString(Files.createTempFile(dir, "p12", ".pem"), content).toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
