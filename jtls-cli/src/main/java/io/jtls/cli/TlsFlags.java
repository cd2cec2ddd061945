package io.jtls.cli;

import io.jtls.ContextOptionsBuilder;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The flags {@code serve} and {@code connect} share, named as the issue fixes them so scripts can
 * rely on them: key material, trust, ALPN, ciphers and versions. Each maps to the Node option of
 * the same meaning on a {@link ContextOptionsBuilder}.
 */
final class TlsFlags {
    @Option(names = "--cert", paramLabel = "FILE", description = "Certificate chain, PEM (Node's cert).")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE", description = "Private key, PEM (Node's key).")
    Path key;

    @Option(names = "--pass", paramLabel = "PASSPHRASE", description = "Passphrase of an encrypted --key (Node's passphrase).")
    String passphrase;

    @Option(names = "--ca", paramLabel = "FILE",
            description = "Trusted certificates, PEM (Node's ca): the server's for connect, clients' for serve --request-cert.")
    Path ca;

    @Option(names = "--alpn", paramLabel = "PROTOCOLS", split = ",",
            description = "ALPN protocols in preference order, comma-separated (h2,http/1.1).")
    List<String> alpn;

    @Option(names = "--ciphers", paramLabel = "LIST", description = "OpenSSL cipher string (Node's ciphers).")
    String ciphers;

    @Option(names = "--min", paramLabel = "VERSION", description = "Lowest TLS version: TLSv1.2 or TLSv1.3 (1.2, 1.3 also accepted).")
    String minVersion;

    @Option(names = "--max", paramLabel = "VERSION", description = "Highest TLS version: TLSv1.2 or TLSv1.3.")
    String maxVersion;

    /** Sets what was given on {@code builder}; Node's defaults stay for the rest. */
    <B extends ContextOptionsBuilder<B>> B applyTo(B builder) {
        if (cert != null) builder.cert(cert);
        if (key != null) {
            if (passphrase != null) builder.key(Files.read(key), passphrase);
            else builder.key(key);
        }
        if (ca != null) builder.ca(ca);
        if (ciphers != null) builder.ciphers(ciphers);
        if (minVersion != null) builder.minVersion(version(minVersion));
        if (maxVersion != null) builder.maxVersion(version(maxVersion));
        return builder;
    }

    /** Node's names ({@code TLSv1.2}); the short forms people type ({@code 1.2}, {@code tls1.3}) too. */
    static String version(String given) {
        String v = given.trim();
        String digits = v.replaceFirst("(?i)^tls(v)?", "").replace('_', '.');
        return switch (digits) {
            case "1", "1.0" -> "TLSv1";
            case "1.1", "1.2", "1.3" -> "TLSv" + digits;
            default -> v; // Node's own error says what is accepted
        };
    }

    /** Reads small PEM files given on the command line, with the file named in the error. */
    static final class Files {
        private Files() {}

        static String read(Path file) {
            try {
                return java.nio.file.Files.readString(file);
            } catch (java.io.IOException e) {
                throw new UsageException("cannot read " + file + ": " + e.getMessage());
            }
        }
    }
}
