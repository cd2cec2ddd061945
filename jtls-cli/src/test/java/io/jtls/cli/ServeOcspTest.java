package io.jtls.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.pki.HeldCertificate;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jtls serve --ocsp}: the server fetches its certificate's OCSP response from the
 * responder its AIA names (a real {@code openssl ocsp} on 127.0.0.1) and staples it for a client
 * that asks ({@code openssl s_client -status}); without {@code --ocsp} nothing is stapled. The
 * issuer, which the OCSP request names, comes from {@code --ca} here (or from the chain in
 * {@code --cert}), as Node finds it.
 */
class ServeOcspTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final BigInteger SERIAL = BigInteger.valueOf(0x5E0C5L);

    @TempDir
    Path dir;

    @Test
    void staplesTheResponderAnswerForAClientThatAsks() throws IOException {
        HeldCertificate ca = HeldCertificate.builder().commonName("jtls serve OCSP CA").certificateAuthority(0).build();
        try (Cli.Running responder = startResponder(ca)) {
            int responderPort = Integer.parseInt(responder.awaitLine(Pattern.compile("ACCEPT \\S*:(\\d+)")).group(1));
            HeldCertificate leaf = HeldCertificate.builder().commonName("localhost").addSubjectAltNames("localhost", "127.0.0.1")
                    .serialNumber(SERIAL).ocspResponder("http://127.0.0.1:" + responderPort + "/")
                    .signedBy(ca).build();
            Path cert = Files.writeString(dir.resolve("leaf.pem"), leaf.chainPem());
            Path key = Files.writeString(dir.resolve("leaf-key.pem"), leaf.privateKeyPem());
            Path caFile = dir.resolve("ca.pem");

            try (Cli.Running server = Cli.Running.serve("--ocsp", "--cert", cert.toString(), "--key", key.toString(),
                    "--ca", caFile.toString())) {
                String stapled = statusRequest(server.port(), caFile);
                assertTrue(stapled.contains("OCSP Response Status: successful"), stapled);
                assertTrue(stapled.contains("Cert Status: good"), stapled);
                assertTrue(stapled.contains("Verify return code: 0 (ok)"), stapled);
            }
            try (Cli.Running server = Cli.Running.serve("--cert", cert.toString(), "--key", key.toString())) {
                String plain = statusRequest(server.port(), caFile);
                assertTrue(plain.contains("OCSP response: no response sent"), plain);
            }
        }
    }

    /** {@code openssl ocsp} answering "good" for {@link #SERIAL}, signed by the CA itself. */
    private Cli.Running startResponder(HeldCertificate ca) throws IOException {
        Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
        Files.writeString(dir.resolve("ca-key.pem"), ca.privateKeyPem());
        String serialHex = SERIAL.toString(16).toUpperCase();
        serialHex = serialHex.length() % 2 == 0 ? serialHex : "0" + serialHex;
        Files.writeString(dir.resolve("index.txt"), "V\t491231235959Z\t\t" + serialHex + "\tunknown\t/CN=localhost\n",
                StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("index.txt.attr"), "unique_subject = no\n");
        return Cli.Running.start(List.of("openssl", "ocsp", "-port", "0", "-index", dir.resolve("index.txt").toString(),
                "-CA", dir.resolve("ca.pem").toString(), "-rsigner", dir.resolve("ca.pem").toString(),
                "-rkey", dir.resolve("ca-key.pem").toString(), "-nmin", "60"));
    }

    /** One {@code s_client -status} handshake; its whole output. */
    private static String statusRequest(int port, Path caFile) {
        Cli.Result result = Cli.exec("", TIMEOUT, List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-servername", "localhost", "-CAfile", caFile.toString(), "-status", "-verify_return_error"));
        return result.ok();
    }
}
