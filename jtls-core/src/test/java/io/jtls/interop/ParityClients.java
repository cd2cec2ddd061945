package io.jtls.interop;

import io.jtls.support.ExternalProcess;
import io.jtls.support.JsJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two reference clients of the parity tests, {@code openssl s_client} and Node's
 * {@code tls.connect} ({@code node/matrix-client.js}, one process for many questions), asked the
 * same {@link Ask} and summarised the same way ({@link Outcome}), so that what a jtls server
 * negotiated can be compared with what a Node server negotiated.
 */
final class ParityClients {
    private ParityClients() {}

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Node and TLS 1.3 s_client: one connection, then this many offering its session. */
    static final int RECONNECTS = 3;

    /**
     * One question to a server: the SNI name, the only protocol version allowed (null: any),
     * ALPN offered (null: none), signature algorithms (null: the default list), and whether to
     * reconnect with the first connection's session: s_client {@code -reconnect} (TLS 1.2: one
     * connection and five resumptions), or {@code -sess_out} then {@link #RECONNECTS} times
     * {@code -sess_in} (TLS 1.3, where -reconnect never resumes in OpenSSL 3.0); Node: 1 +
     * {@link #RECONNECTS} connections.
     */
    record Ask(String id, int port, String servername, String version, List<String> alpn, String opensslSigalgs,
               String nodeSigalgs, boolean resume) {}

    /**
     * What a client saw: the subject CN of the first connection's certificate, the protocol(s),
     * the ALPN protocol of each connection ("-" for none), and per connection N (new) or R
     * (reused); or what went wrong.
     */
    record Outcome(String cn, String protocol, List<String> alpn, String reuse, String error) {
        static Outcome failed(String error) {
            return new Outcome(null, null, List.of(), "", error);
        }

        /** The comparable part, one line. */
        String summary() {
            return error != null ? "error: " + error
                    : "cn=" + cn + " protocol=" + protocol + " alpn=" + alpn + " connections=" + reuse;
        }

        @Override
        public String toString() {
            return summary();
        }
    }

    // ------------------------------------------------------------------ openssl s_client

    private static final Pattern SUBJECT = Pattern.compile("(?m)^subject=.*?CN = ([^,\\n]+)");
    private static final Pattern CONNECTION = Pattern.compile("(?m)^(New|Reused), (TLSv1\\.[0-3]|SSLv3),");
    private static final Pattern ALPN = Pattern.compile("(?m)^(?:ALPN protocol: (\\S+)|(No ALPN negotiated))");

    /** Asks {@code openssl s_client}; session files go to {@code dir}. */
    static Outcome openssl(Path dir, Ask ask) {
        List<String> base = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + ask.port(),
                "-servername", ask.servername()));
        if (ask.version() != null) {
            base.add(ask.version().equals("TLSv1.2") ? "-tls1_2" : "-tls1_3");
        }
        if (ask.alpn() != null) {
            base.addAll(List.of("-alpn", String.join(",", ask.alpn())));
        }
        if (ask.opensslSigalgs() != null) {
            base.addAll(List.of("-sigalgs", ask.opensslSigalgs()));
        }
        try {
            StringBuilder output = new StringBuilder();
            if (!ask.resume()) {
                output.append(ExternalProcess.run(TIMEOUT, base).output());
            } else if ("TLSv1.2".equals(ask.version())) {
                List<String> command = new ArrayList<>(base);
                command.add("-reconnect");
                output.append(ExternalProcess.run(TIMEOUT, command).output());
            } else {
                Path session = dir.resolve(ask.id().replaceAll("[^A-Za-z0-9.-]", "_") + ".session.pem");
                output.append(sessionOut(base, session));
                for (int i = 0; i < RECONNECTS; i++) {
                    List<String> again = new ArrayList<>(base);
                    again.addAll(List.of("-sess_in", session.toString()));
                    output.append(ExternalProcess.run(TIMEOUT, again).output());
                }
            }
            return parseOpenssl(output.toString());
        } catch (RuntimeException | AssertionError e) {
            return Outcome.failed(String.valueOf(e.getMessage()));
        }
    }

    /**
     * The first TLS 1.3 connection: stdin stays open until s_client has saved a session (it
     * writes {@code -sess_out} when a ticket arrives, after the handshake), then closes it.
     */
    private static String sessionOut(List<String> base, Path session) {
        List<String> first = new ArrayList<>(base);
        first.addAll(List.of("-sess_out", session.toString()));
        try (ExternalProcess client = ExternalProcess.start(first)) {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!hasSession(session) && client.isAlive() && System.nanoTime() < deadline) {
                JtlsPeer.sleepMillis(5);
            }
            client.closeStdin();
            client.waitFor(TIMEOUT);
            if (!hasSession(session)) {
                throw new AssertionError("s_client saved no session:\n" + tail(client.output()));
            }
            return client.output();
        }
    }

    private static boolean hasSession(Path file) {
        try {
            return Files.exists(file) && Files.readString(file).contains("END SSL SESSION PARAMETERS");
        } catch (IOException e) {
            return false;
        }
    }

    static Outcome parseOpenssl(String output) {
        Matcher connection = CONNECTION.matcher(output);
        StringBuilder reuse = new StringBuilder();
        List<String> protocols = new ArrayList<>();
        while (connection.find()) {
            reuse.append(connection.group(1).equals("New") ? 'N' : 'R');
            if (!protocols.contains(connection.group(2))) {
                protocols.add(connection.group(2));
            }
        }
        if (reuse.isEmpty()) {
            return Outcome.failed("s_client: no handshake:\n" + tail(output));
        }
        Matcher subject = SUBJECT.matcher(output);
        String cn = subject.find() ? subject.group(1).trim() : null;
        List<String> alpn = new ArrayList<>();
        Matcher a = ALPN.matcher(output);
        while (a.find()) {
            alpn.add(a.group(1) != null ? a.group(1) : "-");
        }
        return new Outcome(cn, String.join("+", protocols), alpn, reuse.toString(), null);
    }

    // ------------------------------------------------------------------ Node

    /** Every ask answered by both clients: s_client (three at a time) and one Node client process, in parallel. */
    record Answers(Map<String, Outcome> openssl, Map<String, Outcome> node) {
        /** The s_client and Node client answers of one cell against one server ("jtls" or "node"). */
        Outcome openssl(String cell, String server) {
            return openssl.get(cell + "/" + server);
        }

        Outcome node(String cell, String server) {
            return node.get(cell + "/" + server);
        }
    }

    static Answers askAll(Path dir, List<Ask> asks) {
        CompletableFuture<Map<String, Outcome>> nodeClient =
                CompletableFuture.supplyAsync(() -> node(dir, asks));
        Map<String, Outcome> openssl = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            CompletableFuture.allOf(asks.stream().map(ask -> java.util.concurrent.CompletableFuture
                    .runAsync(() -> openssl.put(ask.id(), openssl(dir, ask)), pool))
                    .toArray(CompletableFuture[]::new)).join();
        } finally {
            pool.shutdown();
        }
        return new Answers(openssl, nodeClient.join());
    }

    /** Asks Node's client every question in one process (a few at a time); results by {@link Ask#id()}. */
    static Map<String, Outcome> node(Path dir, List<Ask> asks) {
        List<Object> jobs = new ArrayList<>();
        for (Ask ask : asks) {
            Map<String, Object> job = Config.of("id", ask.id(), "port", ask.port(), "servername", ask.servername(),
                    "connections", ask.resume() ? 1 + RECONNECTS : 1);
            if (ask.version() != null) {
                job.put("minVersion", ask.version());
                job.put("maxVersion", ask.version());
            }
            if (ask.alpn() != null) {
                job.put("ALPNProtocols", ask.alpn());
            }
            if (ask.nodeSigalgs() != null) {
                job.put("sigalgs", ask.nodeSigalgs());
            }
            jobs.add(job);
        }
        ExternalProcess.Separated run = ExternalProcess.runSeparately(dir, Duration.ofSeconds(120), List.of("node",
                NodePeer.script("matrix-client.js"), JsJson.stringify(Config.of("jobs", jobs, "parallel", 4))));
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        for (String line : run.stdout().split("\n")) {
            Map<String, Object> event = MiniJson.objectOrNull(line);
            if (event != null && "job".equals(event.get("event"))) {
                outcomes.put((String) event.get("id"), parseNode((List<?>) event.get("conns")));
            }
        }
        for (Ask ask : asks) {
            outcomes.putIfAbsent(ask.id(), Outcome.failed("the Node client reported nothing: " + run.describe()));
        }
        return outcomes;
    }

    private static Outcome parseNode(List<?> conns) {
        StringBuilder reuse = new StringBuilder();
        List<String> protocols = new ArrayList<>();
        List<String> alpn = new ArrayList<>();
        String cn = null;
        for (int i = 0; i < conns.size(); i++) {
            Map<?, ?> conn = (Map<?, ?>) conns.get(i);
            if (conn.get("error") != null) {
                return Outcome.failed("Node client, connection " + i + ": " + conn.get("error"));
            }
            if (i == 0) {
                cn = (String) conn.get("cn");
            }
            reuse.append(Boolean.TRUE.equals(conn.get("reused")) ? 'R' : 'N');
            String protocol = (String) conn.get("protocol");
            if (!protocols.contains(protocol)) {
                protocols.add(protocol);
            }
            alpn.add(conn.get("alpn") == null ? "-" : (String) conn.get("alpn"));
        }
        return new Outcome(cn, String.join("+", protocols), alpn, reuse.toString(), null);
    }

    private static String tail(String output) {
        String[] lines = output.split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 12), lines.length));
    }
}
