package io.jtls.internal.openssl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.support.ExternalProcess;
import io.jtls.support.FakeLibcrypto;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading happens once per JVM, so each case runs {@link OpenSsl#main} in a JVM of its own
 * with the overrides under test.
 */
class LibraryLoadingTest {

    private static ExternalProcess.Result runOpenSslMain(String... jvmArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(List.of(jvmArgs));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(OpenSsl.class.getName());
        return ExternalProcess.run(Duration.ofSeconds(30), cmd);
    }

    @Test
    void reportsTheVersionItLoaded() {
        ExternalProcess.Result r = runOpenSslMain();
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().startsWith("OpenSSL 3."), r.output());
        assertTrue(r.output().contains(OpenSsl.versionText()), r.output());
    }

    @Test
    void aMissingLibraryGivesAClearMessage(@TempDir Path empty) {
        ExternalProcess.Result r = runOpenSslMain("-Djtls.openssl.dir=" + empty);
        assertEquals(1, r.exitCode(), r.output());
        assertTrue(r.output().contains("jtls needs OpenSSL 3"), r.output());
        assertTrue(r.output().contains("JTLS_OPENSSL_DIR"), r.output());
    }

    @Test
    void theEnvironmentVariableIsHonouredToo(@TempDir Path empty) {
        List<String> cmd = List.of("env", "JTLS_OPENSSL_DIR=" + empty,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                OpenSsl.class.getName());
        ExternalProcess.Result r = ExternalProcess.run(Duration.ofSeconds(30), cmd);
        assertEquals(1, r.exitCode(), r.output());
        assertTrue(r.output().contains(empty.toString()), r.output());
    }

    /** A libcrypto that says it is OpenSSL 1.1.1w is refused, naming the version it found. */
    @Test
    void refusesOpenSslOlderThan3(@TempDir Path dir) throws Exception {
        Path fake = FakeLibcrypto.tooOld(dir);

        ExternalProcess.Result r = runOpenSslMain("-Djtls.openssl.libcrypto=" + fake);
        assertEquals(1, r.exitCode(), r.output());
        assertTrue(r.output().contains("needs OpenSSL 3.0 or newer"), r.output());
        assertTrue(r.output().contains("0x1010117f"), r.output());
    }
}
