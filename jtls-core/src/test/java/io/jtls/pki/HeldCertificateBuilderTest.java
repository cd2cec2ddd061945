package io.jtls.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.internal.openssl.NativeKind;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Builder input is checked when it is given, with messages that say what is wrong. */
class HeldCertificateBuilderTest {

    @Test
    void bareSubjectAltNamesAreDnsOrIpByTheirText() {
        assertEquals("DNS:localhost", SubjectAltNames.toOpenSsl("localhost"));
        assertEquals("DNS:*.example.com", SubjectAltNames.toOpenSsl("*.example.com"));
        assertEquals("DNS:example.com.", SubjectAltNames.toOpenSsl("example.com."));
        assertEquals("IP:127.0.0.1", SubjectAltNames.toOpenSsl("127.0.0.1"));
        assertEquals("IP:::1", SubjectAltNames.toOpenSsl("::1"));
        assertEquals("IP:fe80::1", SubjectAltNames.toOpenSsl("fe80::1"));
        assertEquals("IP:2001:db8:0:0:0:0:0:1", SubjectAltNames.toOpenSsl("2001:db8:0:0:0:0:0:1"));
        assertEquals("IP:::ffff:192.0.2.1", SubjectAltNames.toOpenSsl("::ffff:192.0.2.1"));
        assertEquals("DNS:127.0.0.1", SubjectAltNames.toOpenSsl("DNS:127.0.0.1"), "an explicit prefix wins");
        assertEquals("IP:10.1.2.3", SubjectAltNames.toOpenSsl("ip:10.1.2.3"));
        assertEquals("email:a@example.com", SubjectAltNames.toOpenSsl("email:a@example.com"));
        assertEquals("URI:spiffe://td/ns/x", SubjectAltNames.toOpenSsl("URI:spiffe://td/ns/x"));
    }

    @Test
    void badSubjectAltNamesAreRejected() {
        assertMessage("not a valid DNS name", () -> HeldCertificate.builder().addSubjectAltName("exa!mple.com"));
        assertMessage("must not contain commas", () -> HeldCertificate.builder().addSubjectAltName("a.com,IP:1.2.3.4"));
        assertMessage("not an IPv4 or IPv6 address", () -> HeldCertificate.builder().addSubjectAltName("IP:localhost"));
        assertMessage("not an IPv4 or IPv6 address", () -> HeldCertificate.builder().addSubjectAltName("IP:1:2:3:4:5:6:7:8:9"));
        assertMessage("unknown type", () -> HeldCertificate.builder().addSubjectAltName("dirName:foo"));
        assertMessage("not an email address", () -> HeldCertificate.builder().addSubjectAltName("email:nobody"));
        assertMessage("needs a scheme", () -> HeldCertificate.builder().addSubjectAltName("URI:example.com"));
        assertMessage("empty", () -> HeldCertificate.builder().addSubjectAltName(""));
        assertMessage("must not contain commas, spaces", () -> HeldCertificate.builder().addSubjectAltName("a b.com"));
    }

    @Test
    void badKeysAreRejected() {
        assertMessage("between 512 and 16384", () -> HeldCertificate.builder().rsa(256));
        assertMessage("EC curve name is empty", () -> HeldCertificate.builder().ec(" "));
        long live = NativeKind.liveTotal();
        assertMessage("unknown EC curve: nosuchcurve", () -> HeldCertificate.builder().ec("nosuchcurve").build());
        assertEquals(live, NativeKind.liveTotal(), NativeKind.liveSummary());
    }

    @Test
    void badNamesValidityAndSerialsAreRejected() {
        assertMessage("two-letter ISO 3166", () -> HeldCertificate.builder().country("USA"));
        assertMessage("commonName is empty", () -> HeldCertificate.builder().commonName(""));
        assertMessage("longer than 64", () -> HeldCertificate.builder().commonName("x".repeat(65)));
        assertMessage("control characters", () -> HeldCertificate.builder().organization("a\nb"));
        Instant now = Instant.now();
        assertMessage("is not before notAfter", () -> HeldCertificate.builder().validity(now, now));
        assertMessage("duration must be positive", () -> HeldCertificate.builder().duration(Duration.ofDays(-1)));
        assertMessage("serialNumber must be positive", () -> HeldCertificate.builder().serialNumber(BigInteger.ZERO));
        assertMessage("serialNumber must be positive", () -> HeldCertificate.builder().serialNumber(-5));
        assertMessage("fit in 20 bytes", () -> HeldCertificate.builder().serialNumber(BigInteger.ONE.shiftLeft(160)));
        assertMessage("maxIntermediates must be >= 0", () -> HeldCertificate.builder().certificateAuthority(-1));
    }

    @Test
    void badExtensionValuesAreRejected() {
        assertMessage("unknown extendedKeyUsage: webServer", () -> HeldCertificate.builder().extendedKeyUsage("webServer"));
        HeldCertificate.builder().extendedKeyUsage("1.3.6.1.5.5.7.3.1"); // a dotted OID is fine
        assertMessage("absolute URL", () -> HeldCertificate.builder().ocspResponder("ocsp.example.com"));
        assertMessage("absolute URL", () -> HeldCertificate.builder().caIssuers("http://a.example/x,y"));
        assertMessage("absolute URL", () -> HeldCertificate.builder().crlDistributionPoint("http://a b"));
        assertThrows(NullPointerException.class, () -> HeldCertificate.builder().signedBy(null));
    }

    @Test
    void badPassphrasesAreRejected() {
        HeldCertificate c = HeldCertificate.builder().build();
        assertMessage("passphrase is empty", () -> c.encryptedPrivateKeyPem(""));
        assertMessage("passphrase is empty", () -> c.pkcs12(""));
        assertThrows(NullPointerException.class, () -> c.encryptedPrivateKeyPkcs1Pem(null));
    }

    @Test
    void builderIsReusableAndEachBuildHasItsOwnKeyAndSerial() {
        HeldCertificate.Builder builder = HeldCertificate.builder().commonName("same");
        HeldCertificate a = builder.build();
        HeldCertificate b = builder.build();
        assertTrue(!a.serialNumber().equals(b.serialNumber()));
        assertTrue(!a.privateKeyPem().equals(b.privateKeyPem()));
        assertEquals("same", b.commonName());
    }

    private static void assertMessage(String expected, Executable executable) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, executable);
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
