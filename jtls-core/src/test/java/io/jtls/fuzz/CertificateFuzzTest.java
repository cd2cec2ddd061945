package io.jtls.fuzz;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jtls.Tls;
import io.jtls.error.OpenSslException;
import io.jtls.internal.x509.CertificateReader;
import io.jtls.pki.HeldCertificate;
import io.jtls.x509.Certificate;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Certificate objects built from hostile certificates: the certificate a peer sends goes through
 * OpenSSL's parser, then {@link CertificateReader} turns every field into Java values (names,
 * subjectaltname and infoAccess text, times, fingerprints, key fields), and
 * {@code checkServerIdentity} splits the altnames again. A certificate that parses must give a
 * certificate object and an identity answer; one that does not may only be refused with
 * {@link OpenSslException}.
 */
class CertificateFuzzTest {
    /** A certificate with every field the reader decodes, as the template hostile ones start from. */
    private static final byte[] TEMPLATE = HeldCertificate.builder().commonName("fuzz.example")
            .organization("O \"quoted\", with comma").organizationalUnit("OU\\back")
            .addSubjectAltNames("DNS:fuzz.example", "DNS:*.fuzz.example", "IP:127.0.0.1",
                    "IP:::1", "email:a@fuzz.example", "URI:https://fuzz.example/x")
            .extendedKeyUsage("serverAuth", "clientAuth").ocspResponder("http://ocsp.fuzz.example/")
            .caIssuers("http://ca.fuzz.example/ca.der").crlDistributionPoint("http://crl.fuzz.example/")
            .ec("prime256v1").build().certificateDer();

    private static final String[] HOSTS = {"fuzz.example", "a.fuzz.example", "127.0.0.1", "::1", "", "xn--a.fuzz.example."};

    @FuzzTest
    void der(FuzzedDataProvider data) {
        String host = data.consumeBoolean() ? HOSTS[data.consumeInt(0, HOSTS.length - 1)] : data.consumeString(40);
        byte[] der = data.consumeBoolean()
                ? FuzzChecks.edited(TEMPLATE, data.consumeBytes(3 * data.consumeInt(0, 12)), data.consumeInt(0, TEMPLATE.length))
                : data.consumeRemainingAsBytes();
        FuzzChecks.refusesOnlyAsDocumented(() -> read(CertificateReader.fromDer(der), host));
    }

    @FuzzTest
    void pem(FuzzedDataProvider data) {
        // PEM text around a (changed) real certificate, with a changed header, line breaks or
        // trailing text; or any text at all.
        String text;
        if (data.consumeBoolean()) {
            byte[] der = FuzzChecks.edited(TEMPLATE, data.consumeBytes(3 * data.consumeInt(0, 8)), 0);
            String label = data.pickValue(new String[] {"CERTIFICATE", "TRUSTED CERTIFICATE", "X509 CERTIFICATE", data.consumeString(20)});
            String body = data.consumeBoolean() ? Base64.getMimeEncoder().encodeToString(der) : Base64.getEncoder().encodeToString(der);
            int cut = data.consumeInt(0, body.length());
            text = data.consumeString(16) + "-----BEGIN " + label + "-----\n" + body.substring(0, cut)
                    + data.consumeString(8) + body.substring(cut) + "\n-----END " + label + "-----\n" + data.consumeRemainingAsString();
        } else {
            text = new String(data.consumeRemainingAsBytes(), StandardCharsets.ISO_8859_1);
        }
        FuzzChecks.refusesOnlyAsDocumented(() -> read(CertificateReader.fromPem(text), "fuzz.example"));
    }

    private static void read(Certificate cert, String host) {
        assertNotNull(cert.raw());
        cert.toString();
        cert.hashCode();
        Tls.checkServerIdentity(host, cert); // null or the error, never a throw
    }
}
