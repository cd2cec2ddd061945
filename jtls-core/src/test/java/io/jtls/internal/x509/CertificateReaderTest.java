package io.jtls.internal.x509;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.error.OpenSslException;
import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.pki.Certificates;
import io.jtls.pki.HeldCertificate;
import io.jtls.support.ExternalProcess;
import io.jtls.x509.Certificate;
import io.jtls.x509.DistinguishedName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading certificates from PEM and DER, bad input, and the value types' contracts. */
class CertificateReaderTest {
    @TempDir
    Path dir;
    private long liveAtStart;

    @BeforeEach
    void countNativeObjects() {
        liveAtStart = NativeKind.liveTotal();
    }

    @AfterEach
    void nothingLeaked() {
        assertEquals(liveAtStart, NativeKind.liveTotal(), NativeKind.liveSummary());
    }

    @Test
    void pemAndDerGiveTheSameObject() {
        HeldCertificate held = HeldCertificate.builder().commonName("same").addSubjectAltName("same.example").build();
        Certificate fromPem = Certificates.fromPem(held.certificatePem());
        Certificate fromDer = Certificates.fromDer(held.certificateDer());
        assertArrayEquals(held.certificateDer(), fromPem.raw());
        assertEquals(CertificateNodeParityTest.legacyFields(fromPem).keySet(),
                CertificateNodeParityTest.legacyFields(fromDer).keySet());
        assertEquals(fromPem.fingerprint512(), fromDer.fingerprint512());
        assertEquals(fromPem.subjectaltname(), fromDer.subjectaltname());
        assertEquals(held.notAfter(), fromPem.validToDate());
        assertEquals(held.notBefore(), fromPem.validFromDate());
        assertNull(fromPem.issuerCertificate(), "only a detailed chain links issuers");
    }

    @Test
    void badPemFailsWithNodesCodes() throws IOException {
        String noStartLine = "junk";
        String badBody = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        List<String> nodeCodes = nodeErrorCodes(noStartLine, badBody);
        assertEquals(nodeCodes.get(0), assertThrows(OpenSslException.class, () -> Certificates.fromPem(noStartLine)).code());
        assertEquals(nodeCodes.get(1), assertThrows(OpenSslException.class, () -> Certificates.fromPem(badBody)).code());
        assertTrue(!ErrorQueue.hasError(), "the error queue was drained into the exception");
    }

    @Test
    void badDerFailsWithAnAsn1Code() {
        for (byte[] der : List.of(new byte[0], new byte[] {0x30, 0x03, 1, 2, 3}, new byte[] {0x30, (byte) 0x82, 0x7f})) {
            OpenSslException e = assertThrows(OpenSslException.class, () -> Certificates.fromDer(der));
            assertTrue(e.code().startsWith("ERR_OSSL_ASN1_"), e.code());
        }
    }

    @Test
    void distinguishedNameKeepsOrderAndRepeatedAttributes() {
        DistinguishedName dn = DistinguishedName.of("C", "US", "OU", "Eng", "CN", "x", "OU", "Ops");
        assertEquals("Eng", dn.get("OU"));
        assertEquals(List.of("Eng", "Ops"), dn.getAll("OU"));
        assertEquals(List.of(), dn.getAll("L"));
        assertNull(dn.get("L"));
        Map<String, Object> map = dn.asMap();
        assertEquals(List.of("C", "OU", "CN"), List.copyOf(map.keySet()), "keys in order of first appearance");
        assertEquals("US", map.get("C"));
        assertEquals(List.of("Eng", "Ops"), map.get("OU"));
        assertEquals("C=US, OU=Eng, CN=x, OU=Ops", dn.toString());
        assertEquals(dn, DistinguishedName.of(dn.entries()));
        assertThrows(IllegalArgumentException.class, () -> DistinguishedName.of("CN"));
    }

    @Test
    void builtCertificatesAreImmutableAndCanLinkToThemselves() {
        byte[] raw = {1, 2, 3};
        Certificate c = Certificate.builder().subject(DistinguishedName.of("CN", "a.com"))
                .subjectaltname("DNS:a.com").raw(raw).issuedBySelf().build();
        raw[0] = 9;
        assertEquals(1, c.raw()[0], "the builder's array was copied");
        c.raw()[1] = 9;
        assertEquals(2, c.raw()[1], "raw() hands out copies");
        assertSame(c, c.issuerCertificate());
        Certificate child = Certificate.builder().issuerCertificate(c).build();
        assertSame(c, child.issuerCertificate());
        Certificate copy = c.toBuilder().subjectaltname("DNS:b.com").build();
        assertNotSame(c, copy);
        assertSame(copy, copy.issuerCertificate());
        assertEquals("DNS:b.com", copy.subjectaltname());
        assertEquals("a.com", copy.subject().get("CN"));
        assertNull(Certificate.builder().build().subjectaltname());
    }

    /** The code node's X509Certificate constructor throws for each input. */
    private List<String> nodeErrorCodes(String... inputs) throws IOException {
        StringBuilder script = new StringBuilder("const { X509Certificate } = require('crypto');\n");
        for (String input : inputs) {
            script.append("try { new X509Certificate(").append(io.jtls.support.JsJson.stringify(input))
                    .append("); console.log('OK'); } catch (e) { console.log(e.code); }\n");
        }
        Files.writeString(dir.resolve("codes.js"), script);
        ExternalProcess.Separated r = ExternalProcess.runSeparately(dir, Duration.ofSeconds(30), List.of("node", "codes.js"));
        assertEquals(0, r.exitCode(), r.describe());
        return r.stdout().lines().toList();
    }
}
