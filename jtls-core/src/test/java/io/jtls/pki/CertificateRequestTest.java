package io.jtls.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.internal.openssl.NativeKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CertificateRequest#sign}: a CSR made by the openssl CLI (whose key jtls never sees)
 * becomes a certificate that {@code openssl verify} accepts, with the request's subject and key.
 */
class CertificateRequestTest {
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
    void aRequestFromOpenSslIsSignedWithItsSubjectAndKey() throws IOException {
        HeldCertificate ca = HeldCertificate.builder().commonName("CSR CA").certificateAuthority(0).build();
        Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
        Cli.openssl(dir, "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "req.pem",
                "-subj", "/O=Example/CN=app.test").ok();

        String pem = CertificateRequest.sign(Files.readString(dir.resolve("req.pem")), ca, Duration.ofDays(30),
                List.of("app.test", "10.0.0.7"), List.of("serverAuth"));
        Files.writeString(dir.resolve("cert.pem"), pem);
        assertEquals("cert.pem: OK\n", Cli.openssl(dir, "verify", "-CAfile", "ca.pem", "-purpose", "sslserver", "cert.pem").ok());
        String text = Cli.openssl(dir, "x509", "-in", "cert.pem", "-noout", "-subject", "-issuer", "-ext",
                "subjectAltName,basicConstraints,keyUsage").ok();
        assertTrue(text.contains("subject=O = Example, CN = app.test"), text);
        assertTrue(text.contains("issuer=CN = CSR CA"), text);
        assertTrue(text.contains("DNS:app.test, IP Address:10.0.0.7"), text);
        assertTrue(text.contains("CA:FALSE"), text);
        assertTrue(text.contains("Digital Signature, Key Encipherment"), text); // an RSA key
        // The certificate certifies the requester's key.
        assertEquals(Cli.openssl(dir, "pkey", "-in", "key.pem", "-pubout").ok(),
                Cli.openssl(dir, "x509", "-in", "cert.pem", "-noout", "-pubkey").ok());
    }

    @Test
    void aTamperedRequestOrANonCaIssuerIsRefused() throws IOException {
        HeldCertificate ca = HeldCertificate.builder().commonName("CSR CA").certificateAuthority(0).build();
        Cli.openssl(dir, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "key.pem", "-out", "req.der", "-outform", "DER", "-subj", "/CN=honest").ok();
        byte[] der = Files.readAllBytes(dir.resolve("req.der"));
        int at = new String(der, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("honest");
        der[at] = 'H'; // the subject changes; the signature no longer matches
        String tampered = "-----BEGIN CERTIFICATE REQUEST-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(der) + "\n-----END CERTIFICATE REQUEST-----\n";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CertificateRequest.sign(tampered, ca, Duration.ofDays(1), List.of(), List.of()));
        assertTrue(e.getMessage().contains("does not verify"), e.getMessage());

        HeldCertificate leaf = HeldCertificate.builder().commonName("leaf").build();
        assertThrows(IllegalArgumentException.class,
                () -> CertificateRequest.sign(tampered, leaf, Duration.ofDays(1), List.of(), List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> CertificateRequest.sign("no PEM here", ca, Duration.ofDays(1), List.of(), List.of()));
    }
}
