package io.jtls.examples;

import io.jtls.pki.HeldCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The PEM files that the examples of Node's {@code tls} document read: a self-signed server
 * certificate ({@code server-key.pem}, {@code server-cert.pem}) and a self-signed client
 * certificate ({@code client-key.pem}, {@code client-cert.pem}), as one would make them with
 * {@code openssl req -x509}. Made with {@link HeldCertificate}, so that the examples run
 * anywhere without a certificate step.
 */
public final class ExampleFiles {
    public static final String SERVER_KEY = "server-key.pem";
    public static final String SERVER_CERT = "server-cert.pem";
    public static final String CLIENT_KEY = "client-key.pem";
    public static final String CLIENT_CERT = "client-cert.pem";

    private ExampleFiles() {}

    /**
     * Writes the four files into {@code dir} unless they are all there already.
     * The server certificate is for {@code example.test}, not {@code localhost}: that is why
     * the client example turns the host name check off, as Node's does.
     *
     * @return {@code dir}
     */
    public static Path ensure(Path dir) {
        try {
            if (Files.exists(dir.resolve(SERVER_KEY)) && Files.exists(dir.resolve(SERVER_CERT))
                    && Files.exists(dir.resolve(CLIENT_KEY)) && Files.exists(dir.resolve(CLIENT_CERT))) {
                return dir;
            }
            Files.createDirectories(dir);
            // Self-signed, as `openssl req -x509` makes them: each side trusts the other's certificate itself.
            HeldCertificate server = HeldCertificate.builder().commonName("example.test")
                    .addSubjectAltName("example.test").build();
            HeldCertificate client = HeldCertificate.builder().commonName("example client")
                    .organization("jtls examples").build();
            write(dir.resolve(SERVER_KEY), server.privateKeyPem());
            write(dir.resolve(SERVER_CERT), server.certificatePem());
            write(dir.resolve(CLIENT_KEY), client.privateKeyPem());
            write(dir.resolve(CLIENT_CERT), client.certificatePem());
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String pem) throws IOException {
        Files.writeString(file, pem, StandardCharsets.US_ASCII);
    }
}
