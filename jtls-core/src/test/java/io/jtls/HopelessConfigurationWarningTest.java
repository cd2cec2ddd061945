package io.jtls;

import static io.jtls.TlsTesting.SERVER_EC;
import static io.jtls.TlsTesting.listen;
import static io.jtls.TlsTesting.serverWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.context.SecureContextOptions;
import io.jtls.support.LogCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Options that Node accepts although no handshake can succeed with them are accepted (parity)
 * and named in one WARNING line when the context is built (the server's, when it listens).
 */
class HopelessConfigurationWarningTest {
    private static final String CONTEXT = "secure context that can never complete a handshake";
    private static final String SERVER = "server that can never complete a handshake";

    /** Builds a context (it must build, as in Node) and returns the warning lines it logged. */
    private static List<String> warningsBuilding(SecureContextOptions options) {
        try (LogCapture log = new LogCapture("io.jtls")) {
            Tls.createSecureContext(options).close();
            return log.lines(CONTEXT);
        }
    }

    @Test
    void aCertificateWithoutItsKeyIsNamedWithItsFile(@TempDir Path dir) throws IOException {
        Path cert = Files.writeString(dir.resolve("server-cert.pem"), SERVER_EC.chainPem());
        List<String> lines = warningsBuilding(SecureContextOptions.builder().cert(cert).build());
        assertEquals(List.of("WARNING: " + CONTEXT + ": options.cert (" + cert + ") without options.key:"
                + " the certificate can not be used (Node accepts these options too)"), lines);
    }

    @Test
    void anEmptyProtocolRangeIsNamed() {
        List<String> lines = warningsBuilding(SecureContextOptions.builder().minVersion("TLSv1.3").maxVersion("TLSv1.2").build());
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.getFirst().contains(
                "the protocol range is empty (options.minVersion TLSv1.3 is above options.maxVersion TLSv1.2)"), lines.toString());
    }

    @Test
    void aCaWithoutCertificatesIsNamed() {
        List<String> lines = warningsBuilding(SecureContextOptions.builder().ca("not a certificate").build());
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.getFirst().contains("options.ca holds no certificate: no peer can be verified"), lines.toString());
    }

    @Test
    void severalProblemsShareOneLine() {
        List<String> lines = warningsBuilding(SecureContextOptions.builder().cert(SERVER_EC.chainPem()).ca("nothing")
                .minVersion("TLSv1.3").maxVersion("TLSv1.2").build());
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.getFirst().contains("options.cert without options.key"), lines.toString());
        assertTrue(lines.getFirst().contains("options.minVersion"), lines.toString());
        assertTrue(lines.getFirst().contains("options.ca holds no certificate"), lines.toString());
    }

    @Test
    void workableOptionsLogNothing() {
        assertEquals(List.of(), warningsBuilding(serverWith(SERVER_EC).build().contextOptions()));
        assertEquals(List.of(), warningsBuilding(SecureContextOptions.builder().ca(SERVER_EC.certificatePem()).build()));
        assertEquals(List.of(), warningsBuilding(SecureContextOptions.DEFAULTS), "a client's defaults");
        assertEquals(List.of(), warningsBuilding(SecureContextOptions.builder().ca(List.of()).build()),
                "an empty list trusts nothing on purpose (documented)");
    }

    @Test
    void aServerWithoutAnyIdentityWarnsWhenItListensAndStillListens() {
        try (LogCapture log = new LogCapture("io.jtls")) {
            TlsServer bare = Tls.createServer(TlsServerOptions.builder().build());
            try (TlsTesting.Closing closing = TlsTesting.closing(bare)) {
                assertTrue(listen(bare) > 0, "Node listens all the same");
            }
            List<String> lines = log.lines(SERVER);
            assertEquals(1, lines.size(), log.text());
            assertTrue(lines.getFirst().startsWith("WARNING: " + SERVER + ": no options.key/options.cert/options.pfx,"
                    + " no SNICallback, no addContext and no pskCallback"), lines.getFirst());

            TlsServer sni = Tls.createServer(TlsServerOptions.builder().build())
                    .addContext("localhost", serverWith(SERVER_EC).build().contextOptions());
            try (TlsTesting.Closing closing = TlsTesting.closing(sni)) {
                listen(sni);
            }
            TlsServer normal = Tls.createServer(serverWith(SERVER_EC).build());
            try (TlsTesting.Closing closing = TlsTesting.closing(normal)) {
                listen(normal);
            }
            assertEquals(1, log.lines(SERVER).size(), "an SNI source or a certificate is enough: " + log.text());
        }
    }
}
