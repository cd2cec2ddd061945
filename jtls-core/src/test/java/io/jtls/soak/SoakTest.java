package io.jtls.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The soak in the suite: 1 minute, a sample every 5 s. {@code scripts/soak.sh [minutes]} runs
 * the long one (default 10 minutes, a sample every 10 s) through this same test with
 * {@code JTLS_SOAK_MINUTES} set. The churn runs in a JVM of its own with a fixed, pre-touched
 * heap, so that its RSS, descriptors and threads are the soak's alone; its output is copied to
 * this test's output. Fails when a figure trends up ({@link SoakTrend}) or an action failed
 * unexpectedly.
 */
class SoakTest {
    @Test
    void nothingGrowsWhileConnectionsChurn() throws Exception {
        String minutes = System.getenv("JTLS_SOAK_MINUTES");
        long seconds = minutes == null ? 60 : Math.round(Double.parseDouble(minutes) * 60);
        long every = minutes == null ? 5 : 10;
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-Xms128m", "-Xmx128m", "-XX:+AlwaysPreTouch",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Soak.class.getName(), Long.toString(seconds), Long.toString(every), "4")
                .redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                System.out.println(line);
                lines.add(line);
            }
        }
        assertTrue(child.waitFor(seconds + 120, TimeUnit.SECONDS), "the soak ends");
        assertEquals(0, child.exitValue(), "the soak's verdict: " + lines.stream().filter(l -> l.startsWith("soak: ")).toList());
        assertTrue(lines.contains("soak: flat"));
    }
}
