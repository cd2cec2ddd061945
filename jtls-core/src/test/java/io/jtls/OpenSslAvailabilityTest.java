package io.jtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.error.OpenSslUnavailableException;
import io.jtls.internal.openssl.OpenSsl;
import io.jtls.support.ExternalProcess;
import io.jtls.support.FakeLibcrypto;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Tls#isAvailable()}, {@link Tls#openSslVersion()}, and what a program sees without
 * OpenSSL 3: loading happens once per JVM, so the missing and too-old cases run {@link Probe}
 * in a JVM of its own (the too-old libcrypto is compiled here, as LibraryLoadingTest does).
 */
class OpenSslAvailabilityTest {

    @Test
    void reportsTheLoadedVersion() {
        assertTrue(Tls.isAvailable());
        assertEquals(OpenSsl.version(), Tls.openSslVersion());
        assertTrue(Tls.openSslVersion().startsWith("3."), Tls.openSslVersion());
    }

    @Test
    void withoutOpenSslEveryCallThrowsTheSameClearException(@TempDir Path empty) {
        ExternalProcess.Result r = runProbe("-Djtls.openssl.dir=" + empty);
        assertEquals(0, r.exitCode(), r.output());
        List<String> lines = r.output().lines().filter(l -> l.startsWith("probe ")).toList();
        assertEquals("probe available=false", lines.get(0), r.output());
        assertEquals(1 + 2 * Probe.CALLS, lines.size(), r.output());
        String expected = "io.jtls.error.OpenSslUnavailableException ERR_NO_CRYPTO jtls needs OpenSSL 3 and could not load";
        for (String line : lines.subList(1, lines.size())) {
            assertTrue(line.substring(line.indexOf(':') + 2).startsWith(expected), line);
            assertTrue(line.contains("JTLS_OPENSSL_DIR"), line);
        }
    }

    @Test
    void anOldOpenSslIsNamedOnEveryCall(@TempDir Path dir) throws Exception {
        Path fake = FakeLibcrypto.tooOld(dir);

        ExternalProcess.Result r = runProbe("-Djtls.openssl.libcrypto=" + fake);
        List<String> lines = r.output().lines().filter(l -> l.startsWith("probe ")).toList();
        assertEquals(1 + 2 * Probe.CALLS, lines.size(), r.output());
        for (String line : lines.subList(1, lines.size())) {
            assertTrue(line.contains("OpenSslUnavailableException ERR_NO_CRYPTO jtls needs OpenSSL 3.0 or newer"), line);
            assertTrue(line.contains("0x1010117f"), line);
        }
    }

    private static ExternalProcess.Result runProbe(String... jvmArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(List.of(jvmArgs));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Probe.class.getName());
        return ExternalProcess.run(Duration.ofSeconds(60), cmd);
    }

    /** Runs in the child JVM: each public entry point twice, one line per outcome. */
    static final class Probe {
        static final int CALLS = 6;

        public static void main(String[] args) {
            System.out.println("probe available=" + Tls.isAvailable());
            List<Callable<Object>> calls = List.of(
                    Tls::openSslVersion,
                    Tls::createSecureContext,
                    Tls::getCiphers,
                    Tls::rootCertificates,
                    () -> Tls.createServer(TlsServerOptions.builder().build()),
                    () -> io.jtls.pki.HeldCertificate.builder().commonName("probe").build());
            assertEquals(CALLS, calls.size());
            for (int round = 1; round <= 2; round++) {
                for (int i = 0; i < calls.size(); i++) {
                    String outcome;
                    try {
                        outcome = "returned " + calls.get(i).call();
                    } catch (OpenSslUnavailableException e) {
                        outcome = e.getClass().getName() + " " + e.code() + " " + e.getMessage().replace('\n', ' ');
                    } catch (Throwable t) {
                        outcome = t.toString().replace('\n', ' ');
                    }
                    System.out.println("probe " + round + "." + i + ": " + outcome);
                }
            }
        }
    }
}
