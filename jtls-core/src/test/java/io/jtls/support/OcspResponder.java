package io.jtls.support;

import io.jtls.pki.HeldCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real OCSP responder for tests: {@code openssl ocsp -port ... -index index.txt -CA ca.pem
 * -rsigner signer.pem -rkey signer.key}, by default the CA signing its own responses (RFC 6960
 * allows it), or a delegated responder certificate. Its CA
 * index is written from the serial numbers a test registers (HeldCertificate's
 * {@code serialNumber}); since the certificates carry the responder's URL in their AIA, the
 * responder starts first, on a port the kernel picks, and keeps that port across
 * {@link #stop()} and {@link #start()} (openssl binds with SO_REUSEADDR). openssl 3.0 reads the
 * index once, at start: change a status, then restart.
 */
public final class OcspResponder implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Pattern ACCEPT = Pattern.compile("ACCEPT \\S*:(\\d+)");
    private static final DateTimeFormatter INDEX_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;
    private final HeldCertificate ca;
    private final int validityMinutes;
    /** Serial (hex) -> revocation time text, or null while valid. */
    private final Map<String, String> serials = new LinkedHashMap<>();
    private ExternalProcess process;
    private int port;

    /**
     * A responder for certificates issued by {@code ca}, whose responses are valid for
     * {@code validityMinutes} ({@code nextUpdate}). Call {@link #start()}.
     */
    public OcspResponder(Path dir, HeldCertificate ca, int validityMinutes) {
        this(dir, ca, ca, validityMinutes);
    }

    /**
     * A responder answering for {@code ca}'s certificates with responses signed by {@code signer}:
     * {@code ca} itself, a delegated responder certificate (OCSPSigning, issued by {@code ca}), or
     * anything else, to test that clients refuse it. Its files go to {@code dir}: one responder a folder.
     */
    public OcspResponder(Path dir, HeldCertificate ca, HeldCertificate signer, int validityMinutes) {
        this.dir = dir;
        this.ca = ca;
        this.validityMinutes = validityMinutes;
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
            Files.writeString(dir.resolve("signer.pem"), signer.certificatePem());
            Files.writeString(dir.resolve("signer.key"), signer.privateKeyPem());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Registers a certificate serial as valid ("good"); effective at the next start. */
    public OcspResponder good(BigInteger serial) {
        serials.put(hex(serial), null);
        return this;
    }

    /** Marks a registered serial as revoked now; effective at the next start. */
    public OcspResponder revoke(BigInteger serial) {
        serials.put(hex(serial), INDEX_TIME.format(java.time.Instant.now().minusSeconds(60)));
        return this;
    }

    /** A serial as openssl looks it up ({@code BN_bn2hex}): upper-case hex, two digits a byte. */
    private static String hex(BigInteger serial) {
        String hex = serial.toString(16).toUpperCase();
        return hex.length() % 2 == 0 ? hex : "0" + hex;
    }

    /** Starts the responder: on a free port the first time, on the same port afterwards. */
    public OcspResponder start() {
        if (process != null) {
            throw new IllegalStateException("already running");
        }
        writeIndex();
        process = ExternalProcess.start(List.of("openssl", "ocsp", "-port", Integer.toString(port),
                "-index", dir.resolve("index.txt").toString(), "-CA", dir.resolve("ca.pem").toString(),
                "-rsigner", dir.resolve("signer.pem").toString(), "-rkey", dir.resolve("signer.key").toString(),
                "-nmin", Integer.toString(validityMinutes)));
        Matcher accept = process.awaitLine(ACCEPT, TIMEOUT); // printed once it listens
        port = Integer.parseInt(accept.group(1));
        return this;
    }

    /** Stops the responder (its port stays reserved for {@link #start()}). */
    public void stop() {
        if (process != null) {
            process.close();
            process = null;
        }
    }

    /** The URL to put in a certificate's AIA: {@code http://127.0.0.1:port/}. */
    public String url() {
        if (port == 0) {
            throw new IllegalStateException("start the responder first");
        }
        return "http://127.0.0.1:" + port + "/";
    }

    public HeldCertificate ca() {
        return ca;
    }

    /** What the responder printed. */
    public String output() {
        return process == null ? "" : process.output();
    }

    @Override
    public void close() {
        stop();
    }

    /** openssl's CA index: status, expiry, revocation time, serial (hex), file, subject; tab-separated. */
    private void writeIndex() {
        List<String> lines = new ArrayList<>();
        for (var e : serials.entrySet()) {
            boolean revoked = e.getValue() != null;
            lines.add((revoked ? "R" : "V") + "\t" + "491231235959Z" + "\t" + (revoked ? e.getValue() : "") + "\t"
                    + e.getKey() + "\tunknown\t/CN=serial " + e.getKey());
        }
        try {
            Files.write(dir.resolve("index.txt"), lines, StandardCharsets.US_ASCII);
            Files.writeString(dir.resolve("index.txt.attr"), "unique_subject = no\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
