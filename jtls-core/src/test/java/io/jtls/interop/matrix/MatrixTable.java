package io.jtls.interop.matrix;

import io.jtls.interop.matrix.MatrixCerts.KeyType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The interop matrix as a run found it: peer (row) × TLS version × feature, each cell tested with
 * an RSA and an ECDSA server certificate. Rendered as the README's Markdown table; a row whose
 * peer did not run this time is not rendered (the README keeps its old row, see
 * {@link #mergeWith}).
 */
final class MatrixTable {
    static final String BEGIN = "<!-- interop begin -->";
    static final String END = "<!-- interop end -->";
    static final List<String> VERSIONS = List.of("TLSv1.2", "TLSv1.3");

    /** The columns. */
    enum Feature {
        ALPN("ALPN"), SNI("SNI"), CLIENT_CERT("client certificate"), RESUMPTION("resumption");

        final String title;

        Feature(String title) {
            this.title = title;
        }
    }

    /** The rows, in the README's order: jtls as a server first, then jtls as a client. */
    enum Peer {
        CURL("curl → jtls server"),
        GNUTLS_CLI("gnutls-cli → jtls server"),
        PYTHON_CLIENT("Python `ssl` client → jtls server"),
        JDK_HTTP_CLIENT("JDK `HttpClient` → jtls server"),
        JDK_SSL_SOCKET("JDK `SSLSocket` → jtls server"),
        CHROMIUM("headless Chromium → jtls server"),
        GNUTLS_SERV("jtls client → gnutls-serv"),
        PYTHON_SERVER("jtls client → Python `ssl` server"),
        JDK_SSL_SERVER_SOCKET("jtls client → JDK `SSLServerSocket`");

        final String label;

        Peer(String label) {
            this.label = label;
        }
    }

    /** One cell's result for one key type: {@code ok}, {@code n/a: why} or {@code FAIL: what}. */
    static final String OK = "ok";

    static String notApplicable(String reason) {
        return "n/a: " + reason;
    }

    static String fail(String what) {
        return "FAIL: " + what;
    }

    static boolean isFailure(String outcome) {
        return outcome.startsWith("FAIL");
    }

    private static final Map<String, String> cells = new ConcurrentHashMap<>();

    private MatrixTable() {}

    private static String key(Peer peer, String version, Feature feature, KeyType type) {
        return peer + "/" + version + "/" + feature + "/" + type;
    }

    /** Records what one (peer, version, key type) run found for each feature. */
    static void record(Peer peer, String version, KeyType type, Map<Feature, String> outcomes) {
        for (Feature f : Feature.values()) {
            cells.put(key(peer, version, f, type), outcomes.getOrDefault(f, fail("not tested")));
        }
    }

    /** The failures recorded for {@code peer}, one line each, for the peer's test to report. */
    static List<String> failures(Peer peer) {
        List<String> out = new ArrayList<>();
        cells.forEach((k, v) -> {
            if (k.startsWith(peer + "/") && isFailure(v)) {
                out.add(k + ": " + v);
            }
        });
        out.sort(null);
        return out;
    }

    /** The rows of the peers that ran, keyed by their first two cells. */
    static Map<String, String> rows() {
        Map<String, String> rows = new LinkedHashMap<>();
        for (Peer peer : Peer.values()) {
            for (String version : VERSIONS) {
                if (!cells.containsKey(key(peer, version, Feature.ALPN, KeyType.RSA))) {
                    continue;
                }
                StringBuilder row = new StringBuilder("| " + peer.label + " | " + version.substring(4) + " |");
                for (Feature f : Feature.values()) {
                    Map<KeyType, String> byKey = new EnumMap<>(KeyType.class);
                    for (KeyType t : KeyType.values()) {
                        byKey.put(t, cells.getOrDefault(key(peer, version, f, t), fail("not run")));
                    }
                    row.append(' ').append(cell(byKey)).append(" |");
                }
                rows.put(rowKey(row.toString()), row.toString());
            }
        }
        return rows;
    }

    private static String cell(Map<KeyType, String> byKey) {
        if (byKey.values().stream().distinct().count() == 1) {
            return symbol(byKey.get(KeyType.RSA));
        }
        List<String> parts = new ArrayList<>();
        byKey.forEach((t, v) -> parts.add(t + " " + symbol(v)));
        return String.join("; ", parts);
    }

    private static String symbol(String outcome) {
        String text = outcome.equals(OK) ? "✅"
                : outcome.startsWith("n/a: ") ? "— " + outcome.substring(5)
                : "❌ " + outcome.substring(outcome.indexOf(':') + 1).trim();
        text = text.replace('|', '/').replaceAll("\\s+", " ");
        return text.length() > 140 ? text.substring(0, 140) + "…" : text;
    }

    /** "| peer | 1.3 |": what identifies a row. */
    static String rowKey(String row) {
        String[] cellsOfRow = row.split("\\|");
        return cellsOfRow.length < 3 ? row.trim() : cellsOfRow[1].trim() + "|" + cellsOfRow[2].trim();
    }

    static String header() {
        StringBuilder h = new StringBuilder("| peer | TLS |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (Feature f : Feature.values()) {
            h.append(' ').append(f.title).append(" |");
            rule.append("---|");
        }
        return h + "\n" + rule;
    }

    /** The table of this run; rows of peers that did not run come from {@code readmeSection}, if it has them. */
    static String mergeWith(String readmeSection) {
        Map<String, String> old = new LinkedHashMap<>();
        readmeSection.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| peer ")).forEach(l -> old.put(rowKey(l), l));
        Map<String, String> now = rows();
        StringBuilder out = new StringBuilder(header()).append('\n');
        for (Peer peer : Peer.values()) {
            for (String version : VERSIONS) {
                String k = peer.label + "|" + version.substring(4);
                String row = now.containsKey(k) ? now.get(k) : old.get(k);
                if (row != null) {
                    out.append(row).append('\n');
                }
            }
        }
        return out.toString();
    }

    /** The text between the README's markers (without them). */
    static String section(String readme) {
        int b = readme.indexOf(BEGIN);
        int e = readme.indexOf(END);
        if (b < 0 || e < b) {
            throw new AssertionError("README.md has no " + BEGIN + " ... " + END + " section");
        }
        return readme.substring(b + BEGIN.length(), e).strip() + "\n";
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
