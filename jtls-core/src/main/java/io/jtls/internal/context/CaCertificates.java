package io.jtls.internal.context;

import io.jtls.error.OpenSslError;
import io.jtls.error.TlsArgumentException;
import io.jtls.error.TlsException;
import io.jtls.internal.openssl.Bios;
import io.jtls.internal.openssl.ErrCalls;
import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.PemCalls;
import io.jtls.internal.openssl.Types;
import io.jtls.internal.openssl.X509StoreCalls;
import io.jtls.internal.util.NodeInspect;
import io.jtls.internal.x509.CertificateReader;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The CA lists of Node's {@code tls.getCACertificates(type)}, read once each:
 * <ul>
 *   <li>bundled: Node's compiled-in Mozilla list. jtls has none; its bundle is the one the
 *       distribution ships for OpenSSL, OpenSSL's default certificate file
 *       ({@code $SSL_CERT_FILE}, else {@code X509_get_default_cert_file()}: on Debian
 *       {@code /usr/lib/ssl/cert.pem} = {@code /etc/ssl/certs/ca-certificates.crt}, made from
 *       Mozilla's list by {@code ca-certificates}). Empty when there is no such file.</li>
 *   <li>system: Node's {@code --use-system-ca} on Linux: that file plus every certificate file
 *       in OpenSSL's default directory ({@code $SSL_CERT_DIR}, colon-separated, else
 *       {@code X509_get_default_cert_dir()}), without duplicates (a Debian directory holds
 *       each root two or three times: its own file, its hash link and the bundle).</li>
 *   <li>extra: Node's {@code NODE_EXTRA_CA_CERTS}, see {@link #extraFile()}.</li>
 * </ul>
 * A certificate is kept as its DER and as a parsed {@code X509} that lives as long as the
 * process (the trust stores up-ref it); the PEM text is made from the DER when asked for.
 */
public final class CaCertificates {
    private CaCertificates() {}

    private static final System.Logger LOG = System.getLogger("io.jtls");

    /** One certificate: the process-lifetime {@code X509} and its DER encoding. */
    record Ca(MemorySegment x509, byte[] der) {}

    /** A list of certificates; the X509s are never freed (see the class comment). */
    record CaList(List<Ca> certificates) {
        List<MemorySegment> x509s() {
            return certificates.stream().map(Ca::x509).toList();
        }

        List<String> pems(boolean trailingNewline) {
            return certificates.stream().map(c -> pem(c.der(), trailingNewline)).toList();
        }
    }

    private static final class Bundled {
        /** Null when there is no bundle file (then OpenSSL's default paths are the roots). */
        static final CaList LIST = readBundle();
    }

    private static final class System_ {
        static final CaList LIST = readSystem();
    }

    private static final class Extra {
        static final CaList LIST = readExtra();
    }

    /** The bundled list (null when there is no bundle file). */
    static CaList bundled() {
        return Bundled.LIST;
    }

    static CaList system() {
        return System_.LIST;
    }

    static CaList extra() {
        return Extra.LIST;
    }

    /**
     * The file of extra CA certificates: system property {@code jtls.extraCaCerts}, else
     * environment variable {@code JTLS_EXTRA_CA_CERTS}, else Node's own
     * {@code NODE_EXTRA_CA_CERTS} (so that a deployment that sets it for Node services gets the
     * same trust in jtls ones); null when none is set.
     */
    public static String extraFile() {
        for (String v : new String[] {System.getProperty("jtls.extraCaCerts"), System.getenv("JTLS_EXTRA_CA_CERTS"),
                System.getenv("NODE_EXTRA_CA_CERTS")}) {
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return null;
    }

    /** Node's {@code tls.rootCertificates} / {@code getCACertificates('bundled')}: PEM without a final newline. */
    public static List<String> bundledPems() {
        CaList list = bundled();
        return list == null ? List.of() : list.pems(false);
    }

    /** {@code getCACertificates('system')}. */
    public static List<String> systemPems() {
        return system().pems(true);
    }

    /** {@code getCACertificates('extra')}. */
    public static List<String> extraPems() {
        return extra().pems(true);
    }

    /**
     * Node's {@code tls.getCACertificates(type)}: a new unmodifiable list of PEM strings for
     * {@code default}, {@code system}, {@code bundled} or {@code extra}; another value (or
     * null) is Node's {@code ERR_INVALID_ARG_VALUE}.
     */
    public static List<String> list(String type) {
        if (type != null) {
            switch (type) {
                case "default": return TrustStore.defaultPems();
                case "system": return systemPems();
                case "bundled": return bundledPems();
                case "extra": return extraPems();
                default: break;
            }
        }
        throw new TlsArgumentException("ERR_INVALID_ARG_VALUE",
                "The argument 'type' must be one of: 'default', 'system', 'bundled', 'extra'. Received "
                + NodeInspect.argValue(type));
    }

    /**
     * Node's {@code tls.setDefaultCACertificates(certs)}: the certificates (PEM, any number per
     * string, duplicates dropped) become the default list and the trust of every context made
     * afterwards without {@code ca}. All or nothing: on any error the defaults stay as they were.
     */
    public static void setDefaults(List<String> certs) {
        if (certs == null) {
            throw new TlsArgumentException("ERR_INVALID_ARG_TYPE",
                    "The \"certs\" argument must be an instance of Array. Received null");
        }
        List<String> copy = new ArrayList<>(certs.size());
        for (int i = 0; i < certs.size(); i++) {
            String cert = certs.get(i);
            if (cert == null) {
                throw new TlsArgumentException("ERR_INVALID_ARG_TYPE", "The \"certs[" + i
                        + "]\" argument must be of type string or an instance of ArrayBufferView. Received null");
            }
            copy.add(cert);
        }
        TrustStore.replaceDefaults(parse(copy));
    }

    private static CaList readBundle() {
        String file = defaultCertFile();
        byte[] pem;
        try {
            pem = Files.readAllBytes(Path.of(file));
        } catch (IOException | RuntimeException e) {
            return null;
        }
        List<Ca> out = new ArrayList<>();
        readPem(pem, out, new HashSet<>(), false);
        return new CaList(List.copyOf(out));
    }

    private static String defaultCertFile() {
        String env = Types.cString(X509StoreCalls.X509_get_default_cert_file_env());
        String file = env == null ? null : System.getenv(env);
        return file == null || file.isEmpty() ? Types.cString(X509StoreCalls.X509_get_default_cert_file()) : file;
    }

    private static CaList readSystem() {
        List<Ca> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        readFileQuietly(Path.of(defaultCertFile()), out, seen);
        String env = Types.cString(X509StoreCalls.X509_get_default_cert_dir_env());
        String dirs = env == null ? null : System.getenv(env);
        if (dirs == null || dirs.isEmpty()) {
            dirs = Types.cString(X509StoreCalls.X509_get_default_cert_dir());
        }
        for (String dir : dirs.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            try (Stream<Path> files = Files.list(Path.of(dir))) {
                for (Path f : files.sorted().toList()) {
                    if (Files.isRegularFile(f)) { // follows the symbolic links a hashed directory is made of
                        readFileQuietly(f, out, seen);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // no such directory: nothing from it, as OpenSSL
            }
        }
        return new CaList(List.copyOf(out));
    }

    private static void readFileQuietly(Path file, List<Ca> out, Set<String> seen) {
        try {
            readPem(Files.readAllBytes(file), out, seen, false);
        } catch (IOException | RuntimeException e) {
            // unreadable or not PEM: skipped, as a store lookup would
        }
    }

    private static CaList readExtra() {
        String file = extraFile();
        if (file == null) {
            return new CaList(List.of());
        }
        List<Ca> out = new ArrayList<>();
        try {
            readPem(Files.readAllBytes(Path.of(file)), out, new HashSet<>(), true);
        } catch (IOException | RuntimeException e) {
            // Node: a warning, and the process goes on with the certificates read so far.
            LOG.log(System.Logger.Level.WARNING, "Warning: Ignoring extra certs from `" + file + "`, load failed: "
                    + (e instanceof TlsException t ? t.getMessage() : String.valueOf(e.getMessage())));
        }
        return new CaList(List.copyOf(out));
    }

    /**
     * Node's {@code tls.setDefaultCACertificates(certs)} parsing: every PEM certificate of every
     * entry, duplicates dropped; a damaged block is OpenSSL's error
     * ({@code ERR_OSSL_PEM_ASN1_LIB}, say), no certificate at all is
     * {@code ERR_CRYPTO_OPERATION_FAILED} "No valid certificates found in the provided array".
     */
    static CaList parse(List<String> certs) {
        List<Ca> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String cert : certs) {
            readPem(cert.getBytes(StandardCharsets.UTF_8), out, seen, true);
        }
        if (out.isEmpty()) {
            throw new TlsException("ERR_CRYPTO_OPERATION_FAILED", "No valid certificates found in the provided array");
        }
        return new CaList(List.copyOf(out));
    }

    /**
     * Reads every certificate block; stops at the end of the text. With {@code strict}, a
     * block OpenSSL cannot decode throws its error (the certificates read so far are
     * dropped by the caller, which keeps nothing); otherwise reading just stops there.
     */
    private static void readPem(byte[] pem, List<Ca> out, Set<String> seen, boolean strict) {
        List<Ca> read = new ArrayList<>();
        try (NativeHandle bio = Bios.of(pem)) {
            while (true) {
                ErrorQueue.clear();
                MemorySegment x509 = PemCalls.PEM_read_bio_X509_AUX(bio.get(), MemorySegment.NULL,
                        PemPasswords.CALLBACK, MemorySegment.NULL);
                if (Types.isNull(x509)) {
                    long error = ErrCalls.ERR_peek_last_error();
                    int library = (int) ((error >>> ErrCalls.ERR_LIB_OFFSET) & ErrCalls.ERR_LIB_MASK);
                    int reason = (int) (error & ErrCalls.ERR_REASON_MASK);
                    boolean endOfText = error == 0 || (library == ERR_LIB_PEM && reason == TrustStore.PEM_R_NO_START_LINE);
                    if (strict && !endOfText) {
                        for (Ca ca : read) {
                            free(ca.x509());
                        }
                        // Node reports the last error (PEM's "ASN1 lib"), the ASN.1 detail before it.
                        List<OpenSslError> errors = new ArrayList<>(ErrorQueue.drain());
                        if (!errors.isEmpty()) {
                            errors.addFirst(errors.removeLast());
                        }
                        throw ErrorQueue.exception(errors, "PEM_read_bio_X509_AUX", "ERR_CRYPTO_OPERATION_FAILED");
                    }
                    break;
                }
                byte[] der = der(x509);
                if (seen.add(Base64.getEncoder().encodeToString(der))) {
                    read.add(new Ca(x509, der)); // kept for the life of the process
                } else {
                    free(x509);
                }
            }
        } finally {
            ErrorQueue.clear();
        }
        out.addAll(read);
    }

    /** {@code # define ERR_LIB_PEM 9} */
    private static final int ERR_LIB_PEM = 9;

    private static void free(MemorySegment x509) {
        NativeHandle.own(NativeKind.X509, x509).close();
    }

    private static byte[] der(MemorySegment x509) {
        return CertificateReader.encodeDer(x509);
    }

    /** PEM_write_bio_X509's text (64-column base64), with or without the final newline. */
    static String pem(byte[] der, boolean trailingNewline) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----" + (trailingNewline ? "\n" : "");
    }
}
