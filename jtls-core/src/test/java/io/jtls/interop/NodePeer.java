package io.jtls.interop;

import io.jtls.support.ExternalProcess;
import io.jtls.support.JsJson;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Node v20 {@code tls} peer: {@code node/tls-server.js} or {@code node/tls-client.js} from the
 * test resources, configured with one JSON object and reporting one JSON event per line. Lines
 * that are not JSON (node's warnings) are ignored. {@link #close()} kills the process.
 */
final class NodePeer implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final ExternalProcess process;
    private final int port;

    private NodePeer(ExternalProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts tls-server.js with {@code config} and waits for it to listen. */
    static NodePeer server(Map<String, Object> config) {
        return server("tls-server.js", config);
    }

    /** Starts another server script of the test resources (it prints {@code listening} with its port). */
    static NodePeer server(String scriptName, Map<String, Object> config) {
        ExternalProcess p = ExternalProcess.start(List.of("node", script(scriptName), JsJson.stringify(config)));
        try {
            NodePeer peer = new NodePeer(p, -1);
            Map<String, Object> listening = peer.await("listening");
            return new NodePeer(p, ((Number) listening.get("port")).intValue());
        } catch (RuntimeException | Error e) {
            p.close();
            throw e;
        }
    }

    /** Starts tls-client.js with {@code config}; it connects at once. */
    static NodePeer client(Map<String, Object> config) {
        return client("tls-client.js", config);
    }

    /** Starts another client script of the test resources. */
    static NodePeer client(String scriptName, Map<String, Object> config) {
        return new NodePeer(ExternalProcess.start(List.of("node", script(scriptName), JsJson.stringify(config))), -1);
    }

    /** The port a server listens on. */
    int port() {
        return port;
    }

    /** The first event named {@code name}. */
    Map<String, Object> await(String name) {
        return await(name, 1);
    }

    /** The {@code nth} (1-based) event named {@code name}, waiting up to {@link #TIMEOUT}. */
    Map<String, Object> await(String name, int nth) {
        int[] count = {0};
        String line = process.awaitLine(l -> {
            Map<String, Object> event = MiniJson.objectOrNull(l);
            return event != null && name.equals(event.get("event")) && ++count[0] == nth;
        }, TIMEOUT);
        return MiniJson.objectOrNull(line);
    }

    /** The first event named one of {@code names}, whichever comes first. */
    Map<String, Object> awaitAny(String... names) {
        List<String> wanted = List.of(names);
        return MiniJson.objectOrNull(process.awaitLine(l -> {
            Map<String, Object> event = MiniJson.objectOrNull(l);
            return event != null && wanted.contains(String.valueOf(event.get("event")));
        }, TIMEOUT));
    }

    /** Every event printed so far. */
    List<Map<String, Object>> events() {
        List<Map<String, Object>> events = new ArrayList<>();
        for (String line : process.output().split("\n")) {
            Map<String, Object> event = MiniJson.objectOrNull(line);
            if (event != null) {
                events.add(event);
            }
        }
        return events;
    }

    /** The events named {@code name} printed so far. */
    List<Map<String, Object>> events(String name) {
        return events().stream().filter(e -> name.equals(e.get("event"))).toList();
    }

    /** Sends a command line to the script's standard input. */
    void command(String line) {
        process.write(line + "\n");
    }

    String output() {
        return process.output();
    }

    @Override
    public void close() {
        process.close();
    }

    static String script(String name) {
        URL url = Objects.requireNonNull(NodePeer.class.getResource("/node/" + name), name);
        try {
            return Path.of(url.toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
