package io.jtls.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The command as a whole, run as a process from the packaged jar: help on every subcommand,
 * usage mistakes, {@code version}, {@code ciphers} against {@code openssl ciphers}, and
 * {@code demo}.
 */
class CommandLineTest {
    private static final List<String> SUBCOMMANDS = List.of("serve", "connect", "cert", "ciphers", "version", "demo");

    @Test
    void helpOnTheCommandListsEverySubcommand() {
        String help = Cli.run(null, "--help").ok();
        assertTrue(help.startsWith("Usage: jtls"), help);
        for (String sub : SUBCOMMANDS) {
            assertTrue(Pattern.compile("(?m)^  " + sub + " ").matcher(help).find(), sub + " missing from:\n" + help);
        }
    }

    @Test
    void helpOnEverySubcommandNamesTheCommonFlags() {
        java.util.Map<String, String> helps = new java.util.HashMap<>();
        for (String sub : SUBCOMMANDS) {
            String help = Cli.run(null, sub, "--help").ok();
            assertTrue(help.startsWith("Usage: jtls " + sub), help);
            helps.put(sub, help);
        }
        // The flag names scripts rely on (issue 10), on the two commands that take them.
        for (String sub : List.of("serve", "connect")) {
            String help = helps.get(sub);
            for (String flag : List.of("--host", "--port", "--cert", "--key", "--ca", "--alpn")) {
                assertTrue(help.contains(flag + "="), sub + " has no " + flag + ":\n" + help);
            }
        }
        assertTrue(helps.get("connect").contains("--servername="));
    }

    @Test
    void usageMistakesExitWithStatusTwoAndSayWhy() {
        Cli.Result none = Cli.run(null);
        assertEquals(2, none.exitCode(), none.describe());
        assertTrue(none.stderr().contains("subcommand"), none.describe());

        Cli.Result unknown = Cli.run(null, "serve", "--no-such-flag");
        assertEquals(2, unknown.exitCode(), unknown.describe());
        assertTrue(unknown.stderr().contains("--no-such-flag"), unknown.describe());
    }

    @Test
    void aFailedConnectionExitsWithStatusOneAndNodesCode() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort(); // free once closed: nothing listens there
        }
        Cli.Result refused = Cli.run(null, "connect", "--host", "127.0.0.1", "--port", String.valueOf(closedPort));
        assertEquals(1, refused.exitCode(), refused.describe());
        assertTrue(refused.stderr().contains("ECONNREFUSED"), refused.describe());
    }

    @Test
    void versionNamesJtlsTheOpenSslInUseAndItsFiles() throws Exception {
        String out = Cli.run(null, "version").ok();
        assertTrue(out.startsWith("jtls 0."), out);
        // The library the openssl CLI of this machine runs on is the one jtls finds by default.
        String library = Cli.exec(null, Duration.ofSeconds(10), List.of("openssl", "version")).ok();
        Matcher v = Pattern.compile("Library: OpenSSL (\\S+)").matcher(library);
        assertTrue(v.find(), library);
        assertTrue(out.contains("OpenSSL " + v.group(1) + " "), out);
        for (String lib : List.of("libssl", "libcrypto")) {
            Matcher m = Pattern.compile("(?m)^" + lib + " (\\S+)$").matcher(out);
            assertTrue(m.find(), out);
            assertTrue(Files.isRegularFile(Path.of(m.group(1))), m.group(1));
            assertTrue(Path.of(m.group(1)).getFileName().toString().startsWith(lib + ".so.3"), m.group(1));
        }
        assertTrue(Cli.run(null, "--version").ok().startsWith("jtls 0."));
    }

    @Test
    void ciphersListsWhatOpenSslListsForTheSameString() {
        for (String spec : List.of("ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA:TLS_AES_128_GCM_SHA256", "ALL")) {
            String jtls = Cli.run(null, "ciphers", spec).ok().strip();
            String openssl = Cli.exec(null, Duration.ofSeconds(10), opensslCiphers(spec)).ok().strip();
            assertEquals(openssl, jtls, spec);
        }
        // The versions narrow the list as they narrow openssl's.
        assertEquals(Cli.exec(null, Duration.ofSeconds(10), List.of("openssl", "ciphers", "-s", "-tls1_2", "HIGH")).ok().strip(),
                Cli.run(null, "ciphers", "--max", "1.2", "HIGH").ok().strip());
        assertEquals("TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256",
                Cli.run(null, "ciphers", "--min", "TLSv1.3", "HIGH").ok().strip());
        // -v: one line each with the version and the standard name.
        String verbose = Cli.run(null, "ciphers", "-v", "ECDHE+AESGCM").ok();
        assertTrue(Pattern.compile("(?m)^ECDHE-RSA-AES128-GCM-SHA256 +TLSv1\\.2 +TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256$")
                .matcher(verbose).find(), verbose);
        assertTrue(Pattern.compile("(?m)^TLS_AES_128_GCM_SHA256 +TLSv1\\.3 +TLS_AES_128_GCM_SHA256$").matcher(verbose).find(), verbose);
        Cli.Result bad = Cli.run(null, "ciphers", "NO-SUCH-CIPHER");
        assertEquals(1, bad.exitCode(), bad.describe());
        assertTrue(bad.stderr().contains("ERR_SSL_NO_CIPHER_MATCH"), bad.describe());
    }

    /**
     * {@code openssl ciphers -s}: the ciphers an SSL would offer. The TLS 1.3 suites jtls takes
     * from {@code TLS_} entries go to {@code -ciphersuites}, as Node splits the string.
     */
    private static List<String> opensslCiphers(String spec) {
        List<String> rest = new java.util.ArrayList<>();
        List<String> suites = new java.util.ArrayList<>();
        for (String s : spec.split(":")) (s.startsWith("TLS_") ? suites : rest).add(s);
        List<String> command = new java.util.ArrayList<>(List.of("openssl", "ciphers", "-s"));
        if (!suites.isEmpty()) command.addAll(List.of("-ciphersuites", String.join(":", suites)));
        command.add(String.join(":", rest));
        return command;
    }

    @Test
    void demoRunsTheMainJob() {
        String out = Cli.exec(null, Duration.ofSeconds(60), Cli.jtls("demo")).ok();
        assertTrue(out.contains("OpenSSL"), out);
        assertTrue(out.contains("beta.test"), out); // the second SNI name was served
    }
}
