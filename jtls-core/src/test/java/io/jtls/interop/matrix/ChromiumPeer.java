package io.jtls.interop.matrix;

import io.jtls.interop.matrix.MatrixCerts.KeyType;
import io.jtls.interop.matrix.MatrixServer.View;
import io.jtls.interop.matrix.MatrixTable.Feature;
import io.jtls.interop.matrix.Verdict.Limits;
import io.jtls.support.ExternalProcess;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Headless Chromium (BoringSSL) against the matrix servers of one TLS version, in one launch: it
 * loads a page from the RSA server whose script fetches, with synchronous XMLHttpRequests, the
 * same origin again (a new connection, since every answer closes it: the resumption) and the
 * ECDSA server twice (cross-origin, allowed by the server's CORS header); {@code --dump-dom}
 * prints the page with every view. Chromium trusts the servers' keys through
 * {@code --ignore-certificate-errors-spki-list}, so its SNI cell rests on the server having seen
 * the name (Chromium accepts both keys whatever the name).
 */
final class ChromiumPeer {
    static final String NO_CLIENT_CERT = "needs a certificate picked in the UI or an enterprise policy";

    private ChromiumPeer() {}

    /** A cold start on a loaded 2-core machine took 10 s: more room than the other peers. */
    static final java.time.Duration RUN = java.time.Duration.ofSeconds(60);

    /**
     * Where the chromium binary is, or null: {@code -Djtls.test.chromium=PATH} (or {@code none},
     * to run as on a machine without it), else {@code chromium} or {@code chromium-browser} on
     * the PATH.
     */
    static Path binary() {
        String configured = System.getProperty("jtls.test.chromium");
        if (configured != null) {
            return configured.equals("none") || !Files.isExecutable(Path.of(configured)) ? null : Path.of(configured);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    /** The cells of each key type's server. */
    static Map<KeyType, Map<Feature, String>> run(Path chromium, MatrixServer rsa, MatrixServer ecdsa, Path tmp) {
        List<String> spki = new ArrayList<>();
        for (MatrixServer s : List.of(rsa, ecdsa)) {
            spki.add(MatrixCerts.spkiHash(s.certs.server));
            spki.add(MatrixCerts.spkiHash(s.certs.sni));
        }
        Path profile;
        try {
            profile = Files.createTempDirectory(tmp, "chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ExternalProcess.Result r = ExternalProcess.run(RUN, List.of(chromium.toString(),
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                "--host-resolver-rules=MAP localhost 127.0.0.1",
                "--ignore-certificate-errors-spki-list=" + String.join(",", spki),
                "--dump-dom", "https://localhost:" + rsa.port + "/chromium?also=" + ecdsa.port));
        Map<KeyType, Map<Feature, String>> cells = new EnumMap<>(KeyType.class);
        for (MatrixServer s : List.of(rsa, ecdsa)) {
            String mine = String.join("\n", View.parse(r.output()).stream()
                    .filter(v -> s.label().equals(v.server())).map(View::toString).toList());
            cells.put(s.certs.type, Verdict.of(s, mine.isEmpty() ? r.output() : mine,
                    new Limits("http/1.1", NO_CLIENT_CERT, null, null)));
        }
        return cells;
    }

    /**
     * The page the RSA server answers to {@code /chromium?also=PORT}: its own view, then the
     * script's four requests, each answer appended as a line.
     */
    static String page(String view, String path) {
        String also = path.replaceAll("^.*also=(\\d+).*$", "$1");
        return "<!doctype html><html><body><pre id=\"v\">" + view + "\n</pre><script>\n"
                + "function get(u) { try { var x = new XMLHttpRequest(); x.open('GET', u, false); x.send();"
                + " return x.responseText; } catch (e) { return 'xhr-failed ' + u + ' ' + e + '\\n'; } }\n"
                + "var other = 'https://localhost:" + also + "';\n"
                + "var urls = ['/chromium-again', other + '/chromium-other', other + '/chromium-other-again'];\n"
                + "for (var i = 0; i < urls.length; i++) document.getElementById('v').textContent += get(urls[i]);\n"
                + "</script></body></html>\n";
    }
}
