package io.jtls.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.internal.openssl.NativeKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HeldCertificate#decode}: a CA kept in PEM files signs again, whatever wrote the files
 * (jtls or the openssl CLI), and a key that is not the certificate's is refused.
 */
class HeldCertificateDecodeTest {
    @TempDir
    Path dir;
    private long liveAtStart;

    @BeforeEach
    void countNativeObjects() {
        liveAtStart = NativeKind.liveTotal();
    }

    @AfterEach
    void everyNativeObjectWasFreed() {
        assertEquals(liveAtStart, NativeKind.liveTotal(), NativeKind.liveSummary());
    }

    @Test
    void aDecodedCertificateAuthoritySignsLeavesThatVerify() throws IOException {
        HeldCertificate ca = HeldCertificate.builder().commonName("Files CA").certificateAuthority(0).rsa(2048).build();
        for (String keyPem : new String[] {ca.privateKeyPem(), ca.privateKeyPkcs1Pem()}) {
            HeldCertificate decoded = HeldCertificate.decode(ca.chainPem(), keyPem);
            assertEquals(ca, decoded); // the same certificate and PKCS#8 key
            assertEquals("Files CA", decoded.commonName());
            assertEquals(ca.serialNumber(), decoded.serialNumber());
            assertEquals(ca.notAfter(), decoded.notAfter());
            assertTrue(decoded.isCertificateAuthority());
            assertEquals("RSA", decoded.keyType());
            assertNull(decoded.issuer());

            HeldCertificate leaf = HeldCertificate.builder().commonName("leaf").addSubjectAltName("leaf.test")
                    .signedBy(decoded).build();
            Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
            Files.writeString(dir.resolve("leaf.pem"), leaf.chainPem());
            assertEquals("leaf.pem: OK\n", Cli.openssl(dir, "verify", "-CAfile", "ca.pem", "leaf.pem").ok());
        }
    }

    @Test
    void readsWhatTheOpenSslCliWrote() throws IOException {
        Cli.openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "key.pem", "-out", "cert.pem", "-subj", "/CN=openssl CA", "-days", "2",
                "-addext", "basicConstraints=critical,CA:TRUE").ok();
        Cli.openssl(dir, "ec", "-in", "key.pem", "-out", "sec1.pem").ok(); // EC PRIVATE KEY
        for (String key : new String[] {"key.pem", "sec1.pem"}) {
            HeldCertificate decoded = HeldCertificate.decode(Files.readString(dir.resolve("cert.pem")),
                    Files.readString(dir.resolve(key)));
            assertEquals("openssl CA", decoded.commonName());
            assertEquals("EC", decoded.keyType());
            assertTrue(decoded.isCertificateAuthority());
            HeldCertificate leaf = HeldCertificate.builder().commonName("by openssl's CA").signedBy(decoded).build();
            Files.writeString(dir.resolve("leaf.pem"), leaf.certificatePem());
            assertEquals("leaf.pem: OK\n", Cli.openssl(dir, "verify", "-CAfile", "cert.pem", "leaf.pem").ok());
        }
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefused() {
        HeldCertificate a = HeldCertificate.builder().commonName("a").build();
        HeldCertificate b = HeldCertificate.builder().commonName("b").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HeldCertificate.decode(a.certificatePem(), b.privateKeyPem()));
        assertTrue(e.getMessage().contains("not the certificate's"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HeldCertificate.decode(a.privateKeyPem(), a.privateKeyPem()));
        IllegalArgumentException encrypted = assertThrows(IllegalArgumentException.class,
                () -> HeldCertificate.decode(a.certificatePem(), a.encryptedPrivateKeyPem("pw")));
        assertTrue(encrypted.getMessage().contains("encrypted"), encrypted.getMessage());
        HeldCertificate leaf = HeldCertificate.decode(b.certificatePem(), b.privateKeyPem());
        assertFalse(leaf.isCertificateAuthority());
        assertArrayEquals(b.certificateDer(), leaf.certificateDer());
    }
}
