package io.jtls.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.internal.openssl.NativeKind;
import io.jtls.support.ExternalProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CRLs made by CertificateRevocationList, checked by {@code openssl crl} and {@code openssl verify -crl_check}. */
class CertificateRevocationListTest {
    private static HeldCertificate root;
    private static HeldCertificate intermediate;
    private static HeldCertificate revokedLeaf;
    private static HeldCertificate goodLeaf;

    @TempDir
    Path dir;
    private long liveAtStart;

    @BeforeAll
    static void makeChain() {
        root = HeldCertificate.builder().commonName("CRL Root").certificateAuthority(1).build();
        intermediate = HeldCertificate.builder().commonName("CRL Intermediate").certificateAuthority(0)
                .signedBy(root).build();
        revokedLeaf = HeldCertificate.builder().commonName("revoked").signedBy(intermediate).build();
        goodLeaf = HeldCertificate.builder().commonName("good").signedBy(intermediate).build();
    }

    @BeforeEach
    void countNativeObjects() throws IOException {
        liveAtStart = NativeKind.liveTotal();
        write("root.pem", root.certificatePem());
        write("inter.pem", intermediate.certificatePem());
        write("revoked.pem", revokedLeaf.certificatePem());
        write("good.pem", goodLeaf.certificatePem());
    }

    @AfterEach
    void everyNativeObjectWasFreed() {
        assertEquals(liveAtStart, NativeKind.liveTotal(), NativeKind.liveSummary());
    }

    @Test
    void revokedLeafFailsVerificationWithCrlCheck() throws IOException {
        Instant now = Instant.now();
        write("crl.pem", CertificateRevocationList.pem(intermediate, List.of(revokedLeaf),
                now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(7))));

        ExternalProcess.Result revoked = Cli.openssl(dir, "verify", "-crl_check", "-CAfile", "root.pem",
                "-untrusted", "inter.pem", "-CRLfile", "crl.pem", "revoked.pem");
        assertNotEquals(0, revoked.exitCode());
        assertTrue(revoked.output().contains("certificate revoked"), revoked.output());

        assertEquals("good.pem: OK\n", Cli.openssl(dir, "verify", "-crl_check", "-CAfile", "root.pem",
                "-untrusted", "inter.pem", "-CRLfile", "crl.pem", "good.pem").ok());
        // Without -crl_check the list is not consulted.
        Cli.openssl(dir, "verify", "-CAfile", "root.pem", "-untrusted", "inter.pem", "revoked.pem").ok();
    }

    @Test
    void crlIsVersion2SignedByTheIssuerAndListsSerialsAndDates() throws IOException {
        Instant thisUpdate = Instant.parse("2024-03-01T10:00:00Z");
        Instant nextUpdate = Instant.parse("2054-03-08T10:00:00Z");
        String pem = CertificateRevocationList.pem(intermediate, List.of(revokedLeaf, goodLeaf), thisUpdate, nextUpdate);
        assertTrue(pem.startsWith("-----BEGIN X509 CRL-----\n"), pem);
        write("crl.pem", pem);
        String text = Cli.openssl(dir, "crl", "-in", "crl.pem", "-noout", "-text").ok();
        assertTrue(text.contains("Version 2 (0x1)"), text);
        assertTrue(text.contains("Issuer: CN = CRL Intermediate"), text);
        assertTrue(text.contains("Last Update: Mar  1 10:00:00 2024 GMT"), text);
        assertTrue(text.contains("Next Update: Mar  8 10:00:00 2054 GMT"), text);
        assertTrue(text.contains("X509v3 CRL Number:"), text);
        assertTrue(text.contains("X509v3 Authority Key Identifier:"), text);
        for (HeldCertificate c : List.of(revokedLeaf, goodLeaf)) {
            String serial = c.serialNumber().toString(16).toUpperCase(Locale.ROOT);
            if (serial.length() % 2 == 1) {
                serial = "0" + serial;
            }
            assertTrue(text.contains("Serial Number: " + serial), serial + " in\n" + text);
        }
        assertEquals(2, text.split("Revocation Date: Mar  1 10:00:00 2024 GMT", -1).length - 1, text);

        // The signature verifies under the issuer's key, and not under another CA's.
        assertTrue(Cli.openssl(dir, "crl", "-in", "crl.pem", "-noout", "-CAfile", "inter.pem").ok()
                .contains("verify OK"));
        ExternalProcess.Result wrongIssuer = Cli.openssl(dir, "crl", "-in", "crl.pem", "-noout", "-CAfile", "root.pem");
        assertFalse(wrongIssuer.exitCode() == 0 && wrongIssuer.output().contains("verify OK"), wrongIssuer.output());
    }

    @Test
    void emptyCrlFromTheRootRevokesNothing() throws IOException {
        Instant now = Instant.now();
        write("root-crl.pem", CertificateRevocationList.pem(root, List.of(), now.minusSeconds(60), now.plus(Duration.ofDays(1))));
        write("inter-crl.pem", CertificateRevocationList.pem(intermediate, List.of(), now.minusSeconds(60),
                now.plus(Duration.ofDays(1))));
        assertFalse(Cli.openssl(dir, "crl", "-in", "root-crl.pem", "-noout", "-text").ok().contains("Serial Number"));
        Cli.openssl(dir, "verify", "-crl_check_all", "-CAfile", "root.pem", "-untrusted", "inter.pem",
                "-CRLfile", "root-crl.pem", "-CRLfile", "inter-crl.pem", "revoked.pem").ok();
    }

    @Test
    void revokedIntermediateFailsWholeChainCheck() throws IOException {
        Instant now = Instant.now();
        write("root-crl.pem", CertificateRevocationList.pem(root, List.of(intermediate), now.minusSeconds(60),
                now.plus(Duration.ofDays(1))));
        write("inter-crl.pem", CertificateRevocationList.pem(intermediate, List.of(), now.minusSeconds(60),
                now.plus(Duration.ofDays(1))));
        ExternalProcess.Result result = Cli.openssl(dir, "verify", "-crl_check_all", "-CAfile", "root.pem", "-untrusted", "inter.pem",
                "-CRLfile", "root-crl.pem", "-CRLfile", "inter-crl.pem", "good.pem");
        assertNotEquals(0, result.exitCode());
        assertTrue(result.output().contains("certificate revoked"), result.output());
    }

    @Test
    void expiredCrlIsReportedAsSuch() throws IOException {
        Instant now = Instant.now();
        write("crl.pem", CertificateRevocationList.pem(intermediate, List.of(), now.minus(Duration.ofDays(10)),
                now.minus(Duration.ofDays(3))));
        ExternalProcess.Result result = Cli.openssl(dir, "verify", "-crl_check", "-CAfile", "root.pem", "-untrusted", "inter.pem",
                "-CRLfile", "crl.pem", "good.pem");
        assertNotEquals(0, result.exitCode());
        assertTrue(result.output().contains("CRL has expired"), result.output());
    }

    @Test
    void badArgumentsAreRejected() {
        Instant now = Instant.now();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CertificateRevocationList.pem(intermediate, List.of(), now, now.minusSeconds(1)));
        assertTrue(e.getMessage().contains("not before nextUpdate"), e.getMessage());
        assertThrows(NullPointerException.class,
                () -> CertificateRevocationList.pem(null, List.of(), now, now.plusSeconds(1)));
    }

    private void write(String name, String content) throws IOException {
        Files.writeString(dir.resolve(name), content);
    }
}
