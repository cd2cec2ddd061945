package io.jtls.interop.matrix;

import io.jtls.interop.matrix.MatrixServer.View;
import io.jtls.interop.matrix.MatrixTable.Feature;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Turns what a client peer printed (the server's views of its connections) into the matrix cells:
 * the first connection must have the configuration's version, the ALPN protocol the peer offered
 * first among the server's, the SNI name {@code localhost} and the client certificate; some
 * connection after it must have been resumed.
 */
final class Verdict {
    private Verdict() {}

    /** What a peer can express: null for a feature it tests, else the reason it cannot. */
    record Limits(String alpn, String noClientCert, String noResumption, String verifiedMarker) {
        static Limits all(String alpn) {
            return new Limits(alpn, null, null, null);
        }

        /**
         * {@code marker}: what the peer prints once it verified the server's certificate for
         * {@code localhost} in its first handshake, the SNI evidence when the server answered on
         * a TLS 1.2 resumed connection only (the session carries no SNI name there: Node's
         * {@code servername} is false too).
         */
        Limits verified(String marker) {
            return new Limits(alpn, noClientCert, noResumption, marker);
        }
    }

    /** Every client peer's output, for target/interop-matrix-log.txt (what a failing cell saw). */
    static final java.util.Queue<String> transcript = new java.util.concurrent.ConcurrentLinkedQueue<>();

    static Map<Feature, String> of(MatrixServer server, String output, Limits limits) {
        transcript.add("==== " + server.label() + "\n" + output.strip() + "\n");
        List<View> views = View.parse(output);
        Map<Feature, String> cells = new EnumMap<>(Feature.class);
        if (views.isEmpty()) {
            for (Feature f : Feature.values()) {
                cells.put(f, MatrixTable.fail("no answer from the server: " + tail(output)));
            }
            return cells;
        }
        // the full handshake's view if the server answered on it; else the resumed one's
        View first = views.stream().filter(v -> !v.reused()).findFirst().orElse(views.getFirst());
        if (!server.version.equals(first.protocol())) {
            for (Feature f : Feature.values()) {
                cells.put(f, MatrixTable.fail("negotiated " + first.protocol()));
            }
            return cells;
        }
        cells.put(Feature.ALPN, limits.alpn().equals(first.alpn()) ? MatrixTable.OK
                : MatrixTable.fail("server chose ALPN " + first.alpn()));
        boolean sniOnResumption = first.reused() && first.servername() == null && server.version.equals("TLSv1.2")
                && limits.verifiedMarker() != null && output.contains(limits.verifiedMarker());
        cells.put(Feature.SNI, MatrixCerts.SNI_NAME.equals(first.servername()) || sniOnResumption ? MatrixTable.OK
                : MatrixTable.fail("server saw servername " + first.servername()));
        cells.put(Feature.CLIENT_CERT, limits.noClientCert() != null ? MatrixTable.notApplicable(limits.noClientCert())
                : server.certs.clientCn().equals(first.client()) ? MatrixTable.OK
                : MatrixTable.fail("server saw client certificate " + first.client()));
        cells.put(Feature.RESUMPTION, limits.noResumption() != null ? MatrixTable.notApplicable(limits.noResumption())
                : views.stream().anyMatch(View::reused) ? MatrixTable.OK
                : MatrixTable.fail(views.size() + " connection(s), none resumed"));
        return cells;
    }

    /** Every cell failed with {@code why} (the peer could not run). */
    static Map<Feature, String> failed(String why) {
        Map<Feature, String> cells = new EnumMap<>(Feature.class);
        for (Feature f : Feature.values()) {
            cells.put(f, MatrixTable.fail(why));
        }
        return cells;
    }

    static String tail(String output) {
        String t = output.strip().replaceAll("\\s+", " ");
        return t.length() > 200 ? "…" + t.substring(t.length() - 200) : t;
    }
}
