package io.jtls.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jtls.Tls;
import io.jtls.error.CertificateIdentityException;
import io.jtls.error.TlsException;
import io.jtls.x509.Certificate;
import io.jtls.x509.DistinguishedName;

/**
 * {@code checkServerIdentity} on hostile inputs: a server chooses its certificate's CN and
 * subjectaltname text (quoted, escaped, with commas, IP addresses in any spelling), and a client
 * may pass any host name. The answer is null or a {@link CertificateIdentityException}; the only
 * throw is the one Node has and {@code Tls.checkServerIdentity} documents, a
 * {@code ERR_TLS_CERT_ALTNAME_FORMAT} for a malformed quoted altname (the first finding of this
 * target: our own test had forgotten it). The same inputs give the same answer.
 */
class ServerIdentityFuzzTest {
    private static final String[] PREFIXES = {"DNS:", "IP Address:", "email:", "URI:", "DirName:", ""};

    @FuzzTest
    void check(FuzzedDataProvider data) {
        String host = data.consumeString(64);
        DistinguishedName subject = data.consumeBoolean()
                ? DistinguishedName.of("CN", data.consumeString(32))
                : DistinguishedName.of("CN", data.consumeString(16), "CN", data.consumeString(16));
        StringBuilder altNames = new StringBuilder();
        int count = data.consumeInt(0, 5);
        for (int i = 0; i < count; i++) {
            altNames.append(i == 0 ? "" : data.pickValue(new String[] {", ", ",", " "}))
                    .append(data.pickValue(PREFIXES))
                    .append(data.consumeString(40));
        }
        Certificate cert = Certificate.builder().subject(subject)
                .subjectaltname(count == 0 && data.consumeBoolean() ? null : altNames.toString()).build();
        CertificateIdentityException first;
        try {
            first = Tls.checkServerIdentity(host, cert);
        } catch (TlsException e) {
            assertEquals("ERR_TLS_CERT_ALTNAME_FORMAT", e.code(), "the one documented throw");
            assertTrue(cert.subjectaltname().contains("\""), "only quoted altnames are parsed as JSON strings");
            return;
        }
        CertificateIdentityException again = Tls.checkServerIdentity(host, cert);
        assertEquals(first == null, again == null);
        Tls.checkServerIdentity(host, null); // a server that sent no certificate (PSK)
    }
}
