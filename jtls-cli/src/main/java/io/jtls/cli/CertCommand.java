package io.jtls.cli;

import io.jtls.pki.CertificateRequest;
import io.jtls.pki.HeldCertificate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jtls cert}: the certificates a TLS test or an internal deployment needs, made by
 * {@code io.jtls.pki} on the system's OpenSSL (no openssl CLI): a CA, a server certificate and a
 * client certificate it signed, each key beside its certificate, and PKCS#12 files of both.
 */
@Command(name = "cert", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Makes a CA, a server and a client certificate (PEM and PKCS#12).",
                "%nWrites ca.pem, ca-key.pem, server.pem, server-key.pem, client.pem, client-key.pem, "
                + "server.p12 and client.p12 in --out (with --ca-cert/--ca-key, an existing CA signs and "
                + "ca*.pem are not written; with --csr, it signs that request instead). "
                + "Keys are private files (mode 600)."})
final class CertCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "DIR", defaultValue = ".", description = "Folder to write to (default: the current one).")
    Path out;

    @Option(names = "--name", paramLabel = "NAME", split = ",",
            description = "The server's names (DNS names or IP addresses; repeatable or comma-separated; default: localhost,127.0.0.1,::1).")
    List<String> names = new ArrayList<>();

    @Option(names = "--ca-cn", paramLabel = "CN", defaultValue = "jtls CA", description = "The CA's common name (default: ${DEFAULT-VALUE}).")
    String caCommonName;

    @Option(names = "--ca-cert", paramLabel = "FILE",
            description = "Sign with this CA (PEM, with --ca-key) instead of making one: ca.pem and ca-key.pem are then not written.")
    Path caCert;

    @Option(names = "--ca-key", paramLabel = "FILE", description = "The private key of --ca-cert (PEM, unencrypted).")
    Path caKey;

    @Option(names = "--csr", paramLabel = "FILE",
            description = "Sign this certificate request (PEM, PKCS#10) with --ca-cert/--ca-key instead: writes signed.pem "
                    + "(subject and key from the request; --name as its subjectAltNames, --usage as its extended key usages).")
    Path csr;

    @Option(names = "--usage", paramLabel = "EKU", split = ",",
            description = "With --csr: extended key usages (default: serverAuth,clientAuth).")
    List<String> usages = new ArrayList<>();

    @Option(names = "--client", paramLabel = "CN", defaultValue = "jtls client", description = "The client certificate's common name (default: ${DEFAULT-VALUE}).")
    String clientCommonName;

    @Option(names = "--key-type", paramLabel = "TYPE", defaultValue = "ec",
            description = "ec (P-256), rsa (--rsa-bits) or ed25519 (default: ${DEFAULT-VALUE}).")
    String keyType;

    @Option(names = "--rsa-bits", paramLabel = "BITS", defaultValue = "2048", description = "RSA key size (default: ${DEFAULT-VALUE}).")
    int rsaBits;

    @Option(names = "--days", paramLabel = "DAYS", defaultValue = "365", description = "Validity in days (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--p12-password", paramLabel = "PASSWORD", defaultValue = "changeit",
            description = "Password of the PKCS#12 files (default: ${DEFAULT-VALUE}).")
    String p12Password;

    @Option(names = "--force", description = "Overwrite files that exist.")
    boolean force;

    @Override
    public Integer call() throws IOException {
        if (days < 1) throw new UsageException("--days must be at least 1");
        List<String> serverNames = names.isEmpty() ? List.of("localhost", "127.0.0.1", "::1") : names;
        Duration validity = Duration.ofDays(days);
        if (caCert == null ^ caKey == null) throw new UsageException("--ca-cert and --ca-key go together");
        if (csr != null) {
            return signRequest(validity);
        }
        HeldCertificate ca = caCert != null ? existingCa()
                : key(HeldCertificate.builder()).commonName(caCommonName).certificateAuthority(0).duration(validity).build();
        HeldCertificate server = key(HeldCertificate.builder()).commonName(serverNames.getFirst())
                .addSubjectAltNames(serverNames.toArray(String[]::new)).extendedKeyUsage("serverAuth")
                .duration(validity).signedBy(ca).build();
        HeldCertificate client = key(HeldCertificate.builder()).commonName(clientCommonName)
                .extendedKeyUsage("clientAuth").duration(validity).signedBy(ca).build();

        Map<String, byte[]> files = new LinkedHashMap<>();
        if (caCert == null) {
            files.put("ca.pem", utf8(ca.certificatePem()));
            files.put("ca-key.pem", utf8(ca.privateKeyPem()));
        }
        files.put("server.pem", utf8(server.chainPem()));
        files.put("server-key.pem", utf8(server.privateKeyPem()));
        files.put("server.p12", server.pkcs12(p12Password, "server"));
        files.put("client.pem", utf8(client.chainPem()));
        files.put("client-key.pem", utf8(client.privateKeyPem()));
        files.put("client.p12", client.pkcs12(p12Password, "client"));

        Files.createDirectories(out);
        if (!force) {
            for (String name : files.keySet()) {
                if (Files.exists(out.resolve(name))) {
                    throw new UsageException(out.resolve(name) + " exists (--force overwrites)");
                }
            }
        }
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            write(out.resolve(file.getKey()), file.getValue(), file.getKey().contains("key") || file.getKey().endsWith(".p12"));
        }
        Output.line("CA      " + (caCert != null ? caCert + " (key " + caKey + ")" : out.resolve("ca.pem") + " (key "
                + out.resolve("ca-key.pem") + ")") + ", " + describe(ca));
        Output.line("server  " + out.resolve("server.pem") + " (key " + out.resolve("server-key.pem") + ", "
                + out.resolve("server.p12") + "), " + describe(server) + ", names " + String.join(",", serverNames));
        Output.line("client  " + out.resolve("client.pem") + " (key " + out.resolve("client-key.pem") + ", "
                + out.resolve("client.p12") + "), " + describe(client));
        return 0;
    }

    /** {@code --csr}: the request signed by the existing CA, to {@code signed.pem}. */
    private int signRequest(Duration validity) throws IOException {
        if (caCert == null) throw new UsageException("--csr needs the signing CA: --ca-cert and --ca-key");
        HeldCertificate ca = existingCa();
        String pem;
        try {
            pem = CertificateRequest.sign(TlsFlags.Files.read(csr), ca, validity, names,
                    usages.isEmpty() ? List.of("serverAuth", "clientAuth") : usages);
        } catch (IllegalArgumentException e) {
            throw new UsageException(csr + ": " + e.getMessage());
        }
        Path target = out.resolve("signed.pem");
        Files.createDirectories(out);
        if (!force && Files.exists(target)) throw new UsageException(target + " exists (--force overwrites)");
        write(target, utf8(pem), false);
        Output.line("signed  " + target + " by " + describe(ca)
                + (names.isEmpty() ? "" : ", names " + String.join(",", names)));
        return 0;
    }

    private HeldCertificate existingCa() {
        HeldCertificate ca;
        try {
            ca = HeldCertificate.decode(TlsFlags.Files.read(caCert), TlsFlags.Files.read(caKey));
        } catch (IllegalArgumentException e) {
            throw new UsageException(caCert + ", " + caKey + ": " + e.getMessage());
        }
        if (!ca.isCertificateAuthority()) throw new UsageException(caCert + " is not a CA certificate (basicConstraints CA:TRUE)");
        return ca;
    }

    private HeldCertificate.Builder key(HeldCertificate.Builder builder) {
        return switch (keyType.toLowerCase(Locale.ROOT)) {
            case "ec" -> builder.ec("prime256v1");
            case "rsa" -> builder.rsa(rsaBits);
            case "ed25519" -> builder.ed25519();
            default -> throw new UsageException("--key-type is ec, rsa or ed25519, not " + keyType);
        };
    }

    private static String describe(HeldCertificate c) {
        return "CN=" + c.commonName() + ", " + c.keyType() + ", until " + c.notAfter();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Private files are created owner-only before any byte is written, where the file system has POSIX modes. */
    private static void write(Path file, byte[] bytes, boolean secret) throws IOException {
        Files.deleteIfExists(file);
        if (secret && file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.write(file, bytes, StandardOpenOption.TRUNCATE_EXISTING);
        } else {
            Files.write(file, bytes);
        }
    }
}
