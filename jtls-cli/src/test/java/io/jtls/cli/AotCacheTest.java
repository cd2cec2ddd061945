package io.jtls.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AOT cache of {@code scripts/jtls --train-aot}, through the launcher as users run it: the
 * training writes a cache that later runs really use, every command prints the same with it as
 * without it, and a cache gone stale (the jar rebuilt) is ignored without a word, by the
 * launcher and by the JVM alike. The jar is a copy in a temporary folder, so the cache is
 * trained beside it and the build's own jar is left alone.
 */
class AotCacheTest {
    /** Short runs: C1 only and one GC thread, in the training and in the runs (the cache needs equal flags). */
    private static final String JVM_OPTS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";
    private static final Pattern VERSION_FROM_CACHE =
            Pattern.compile("io\\.jtls\\.cli\\.VersionCommand source: shared objects file");

    @TempDir
    Path dir;

    @Test
    void aTrainedCacheIsUsedAndChangesNoOutputAndAStaleOneIsIgnored() throws Exception {
        Path jar = Files.copy(Cli.jar(), dir.resolve("jtls.jar"));
        Path cache = dir.resolve("jtls.aot");
        Cli.Result training = launcher(Map.of(), "--train-aot");
        training.ok();
        assertTrue(Files.size(cache) > 0 && Files.isRegularFile(dir.resolve("jtls.aot.key")), training.describe());

        // Used: a class of the jar comes from the cache; with JTLS_AOT=off from the jar.
        assertTrue(VERSION_FROM_CACHE.matcher(classLoading(Map.of())).find(), "the launcher did not use the trained cache");
        assertFalse(VERSION_FROM_CACHE.matcher(classLoading(Map.of("JTLS_AOT", "off"))).find());

        // The same output, cold and with the cache; nothing on stderr either way.
        String version = quiet(Map.of("JTLS_AOT", "off"), List.of("version"));
        assertEquals(version, quiet(Map.of(), List.of("version")));
        List<String> ciphers = List.of("ciphers", "-v");
        assertEquals(quiet(Map.of("JTLS_AOT", "off"), ciphers), quiet(Map.of(), ciphers));
        assertEquals(certOutput("cold", Map.of("JTLS_AOT", "off")), certOutput("cache", Map.of()));
        assertServeAndConnectAgree();

        // Stale: the jar rebuilt (a new modification time). The launcher runs it cold, silently ...
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 10_000));
        assertEquals(version, quiet(Map.of(), List.of("version")));
        assertFalse(VERSION_FROM_CACHE.matcher(classLoading(Map.of())).find(), "a stale cache was used");
        // ... and the JVM given the stale cache anyway runs without it and prints the same after
        // its warnings. Those go to stdout (unified logging's default), into the command's own
        // output: the reason the launcher checks the cache's key before it passes the cache.
        List<String> direct = List.of(java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-XX:AOTCache=" + cache, "-jar", jar.toString(), "version");
        Cli.Result stale = Cli.exec(null, Duration.ofSeconds(30), direct);
        assertTrue(stale.ok().endsWith(version) && stale.stdout().contains("timestamp has changed"), stale.describe());
    }

    /**
     * {@code serve} with the cache, {@code connect} cold and with it (TLS 1.3 verified and TLS
     * 1.2, each full then resumed): the client prints the same lines, and the server the same
     * line for each, but for the client's port.
     */
    private void assertServeAndConnectAgree() {
        Path ca = dir.resolve("serve-ca.pem");
        List<String> serve = launcherCommand("serve", "--port", "0", "--ca-out", ca.toString());
        try (Cli.Running server = Cli.Running.start(serve, env(Map.of()))) {
            String port = Integer.toString(server.port());
            List<List<String>> connects = List.of(
                    List.of("connect", "--port", port, "--ca", ca.toString(), "--reconnect", "1", "--no-stdin"),
                    List.of("connect", "--port", port, "-k", "--max", "TLSv1.2", "--reconnect", "1", "--no-stdin"));
            int connections = 0;
            for (List<String> connect : connects) {
                String cold = quiet(Map.of("JTLS_AOT", "off"), connect);
                String cached = quiet(Map.of(), connect);
                assertEquals(cold, cached, connect.toString());
                assertTrue(cold.contains("New protocol=") && cold.contains("Reused protocol="), cold);
                connections += 4;
            }
            Pattern line = Pattern.compile("^connection from ");
            server.awaitLine(line, connections);
            List<String> lines = server.linesMatching(line).stream()
                    .map(l -> l.replaceFirst("^connection from 127\\.0\\.0\\.1:\\d+ ", "")).toList();
            for (int i = 0; i < connections; i += 4) {
                // Per connect run: [cold new, cold reused, cache new, cache reused].
                assertEquals(lines.subList(i, i + 2), lines.subList(i + 2, i + 4), String.join("\n", lines));
            }
        }
    }

    /** {@code jtls cert}'s report, its folder and the certificates' end dates (to the second) masked. */
    private String certOutput(String name, Map<String, String> extra) {
        Path out = dir.resolve("pki-" + name);
        return quiet(extra, List.of("cert", "--out", out.toString()))
                .replace(out.toString(), "DIR").replaceAll("until \\S+Z", "until T");
    }

    /** The launcher's stdout for {@code args}, which must succeed with nothing on stderr. */
    private String quiet(Map<String, String> extra, List<String> args) {
        Cli.Result result = launcher(extra, args.toArray(String[]::new));
        String out = result.ok();
        assertEquals("", result.stderr(), result.describe());
        return out;
    }

    /** {@code jtls version} with the JVM's class-loading log on stdout (where each class came from). */
    private String classLoading(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(extra);
        env.put("JTLS_JVM_OPTS", JVM_OPTS + " -Xlog:class+load=info");
        return launcher(env, "version").ok();
    }

    private Cli.Result launcher(Map<String, String> extra, String... args) {
        return Cli.exec(env(extra), null, Duration.ofSeconds(60), launcherCommand(args));
    }

    private static List<String> launcherCommand(String... args) {
        List<String> command = new ArrayList<>(List.of("bash", System.getProperty("jtls.cli.launcher")));
        command.addAll(List.of(args));
        return command;
    }

    /** The launcher on the copied jar and the Java running the tests, with {@code extra} on top. */
    private Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("JTLS_CLI_JAR", dir.resolve("jtls.jar").toString());
        env.put("JTLS_JVM_OPTS", JVM_OPTS);
        env.putAll(extra);
        return env;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
