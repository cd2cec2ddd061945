package io.jtls.interop;

import io.jtls.SecureContext;
import io.jtls.Tls;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.context.Constants;
import io.jtls.context.SecureContextOptions;
import io.jtls.net.EventEmitter;
import io.jtls.pki.HeldCertificate;
import io.jtls.support.ExternalProcess;
import io.jtls.support.JsJson;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Pairs of echo servers built from one description: a jtls {@link TlsServer} in this JVM and a
 * Node {@code tls.Server} (all Node servers in one process, {@code node/matrix-servers.js}),
 * from the same options and the same certificate files, so that a test can ask both the same
 * thing and compare. {@link #close()} closes the jtls servers, their SNI contexts and the Node
 * process.
 */
final class ParityServers implements AutoCloseable {
    /** How long the asynchronous SNICallback of both servers waits before it answers. */
    static final int SNI_CALLBACK_DELAY_MS = 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** The thread the jtls SNICallback answers from: not the connection's loop. */
    private static final ScheduledExecutorService LATER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "parity-sni-callback");
        t.setDaemon(true);
        return t;
    });

    /**
     * One server, as {@code tls.createServer} options: the default certificate, ALPN protocols
     * (null: none), {@code SSL_OP_NO_TICKET}, Node's documented newSession/resumeSession Map,
     * {@code addContext} patterns, an asynchronous SNICallback answering for some names (null
     * for the others: the default context), and a certificate installed with
     * {@code setSecureContext} once the server listens (null: none).
     */
    record Spec(String name, HeldCertificate cert, List<String> alpn, boolean noTickets, boolean sessionCache,
                Map<String, HeldCertificate> sniContexts, Map<String, HeldCertificate> sniCallback,
                HeldCertificate replacement) {
        static Spec of(String name, HeldCertificate cert) {
            return new Spec(name, cert, null, false, false, Map.of(), Map.of(), null);
        }

        Spec alpn(List<String> protocols) {
            return new Spec(name, cert, protocols, noTickets, sessionCache, sniContexts, sniCallback, replacement);
        }

        /** Tickets off, sessions kept by the newSession/resumeSession listeners. */
        Spec sessionIds() {
            return new Spec(name, cert, alpn, true, true, sniContexts, sniCallback, replacement);
        }

        Spec addContext(String pattern, HeldCertificate context) {
            Map<String, HeldCertificate> more = new LinkedHashMap<>(sniContexts);
            more.put(pattern, context);
            return new Spec(name, cert, alpn, noTickets, sessionCache, more, sniCallback, replacement);
        }

        Spec sniCallback(String servername, HeldCertificate context) {
            Map<String, HeldCertificate> more = new LinkedHashMap<>(sniCallback);
            more.put(servername, context);
            return new Spec(name, cert, alpn, noTickets, sessionCache, sniContexts, more, replacement);
        }

        Spec replacedBy(HeldCertificate next) {
            return new Spec(name, cert, alpn, noTickets, sessionCache, sniContexts, sniCallback, next);
        }
    }

    private final Map<String, TlsServer> jtls = new LinkedHashMap<>();
    private final Map<String, Integer> jtlsPorts = new LinkedHashMap<>();
    private final Map<String, Integer> nodePorts = new LinkedHashMap<>();
    private final List<SecureContext> callbackContexts = new ArrayList<>();
    private final Path dir;
    private ExternalProcess node;

    private ParityServers(Path dir) {
        this.dir = dir;
    }

    /** Starts a jtls and a Node server for each spec; certificate files go to {@code dir}. */
    static ParityServers start(Path dir, List<Spec> specs) {
        ParityServers servers = new ParityServers(dir);
        try {
            List<Object> nodeSpecs = new ArrayList<>();
            for (Spec spec : specs) {
                servers.startJtls(spec);
                nodeSpecs.add(servers.nodeSpec(spec));
            }
            servers.startNode(nodeSpecs);
            return servers;
        } catch (RuntimeException | Error e) {
            servers.close();
            throw e;
        }
    }

    int jtlsPort(String name) {
        return jtlsPorts.get(name);
    }

    int nodePort(String name) {
        return nodePorts.get(name);
    }

    private void startJtls(Spec spec) {
        TlsServerOptions.Builder options = TlsServerOptions.builder().cert(spec.cert().chainPem())
                .key(spec.cert().privateKeyPem());
        if (spec.alpn() != null) {
            options.alpnProtocols(spec.alpn());
        }
        if (spec.noTickets()) {
            options.secureOptions(Constants.SSL_OP_NO_TICKET);
        }
        if (!spec.sniCallback().isEmpty()) {
            Map<String, SecureContext> contexts = new LinkedHashMap<>();
            spec.sniCallback().forEach((name, cert) -> {
                SecureContext context = Tls.createSecureContext(contextOf(cert, false));
                callbackContexts.add(context);
                contexts.put(name, context);
            });
            options.sniCallback((servername, callback) -> LATER.schedule(
                    () -> callback.accept(null, contexts.get(servername)), SNI_CALLBACK_DELAY_MS, TimeUnit.MILLISECONDS));
        }
        TlsServer server = Tls.createServer(options.build(), socket -> {
            socket.on(EventEmitter.ERROR, e -> { }); // as the Node script: a client's reset is not the test's subject
            socket.pipe(socket);
        });
        server.on(TlsServer.TLS_CLIENT_ERROR, (e, socket) -> { });
        spec.sniContexts().forEach((pattern, cert) -> server.addContext(pattern, contextOf(cert, false)));
        if (spec.sessionCache()) {
            Map<String, byte[]> cache = new ConcurrentHashMap<>();
            server.on(TlsServer.NEW_SESSION, (id, data, done) -> {
                cache.put(HexFormat.of().formatHex(id), data);
                done.run();
            });
            server.on(TlsServer.RESUME_SESSION, (id, callback) -> callback.call(null, cache.get(HexFormat.of().formatHex(id))));
        }
        jtls.put(spec.name(), server);
        jtlsPorts.put(spec.name(), JtlsPeer.listen(server));
        if (spec.replacement() != null) {
            // Node's setSecureContext rebuilds every context option from its argument: secureOptions too.
            server.setSecureContext(contextOf(spec.replacement(), spec.noTickets()));
        }
    }

    private static SecureContextOptions contextOf(HeldCertificate cert, boolean noTickets) {
        return SecureContextOptions.builder().cert(cert.chainPem()).key(cert.privateKeyPem())
                .secureOptions(noTickets ? Constants.SSL_OP_NO_TICKET : 0).build();
    }

    private Map<String, Object> nodeSpec(Spec spec) {
        Map<String, Object> json = new LinkedHashMap<>(files(spec.name(), spec.cert()));
        json.put("name", spec.name());
        if (spec.alpn() != null) {
            json.put("ALPNProtocols", spec.alpn());
        }
        json.put("noTickets", spec.noTickets());
        json.put("sessionCache", spec.sessionCache());
        Map<String, Object> sni = new LinkedHashMap<>();
        spec.sniContexts().forEach((pattern, cert) -> sni.put(pattern, files(spec.name() + "-ctx" + sni.size(), cert)));
        json.put("sniContexts", sni);
        if (!spec.sniCallback().isEmpty()) {
            Map<String, Object> contexts = new LinkedHashMap<>();
            spec.sniCallback().forEach((name, cert) -> contexts.put(name, files(spec.name() + "-cb" + contexts.size(), cert)));
            json.put("sniCallback", Config.of("delayMs", SNI_CALLBACK_DELAY_MS, "contexts", contexts));
        }
        if (spec.replacement() != null) {
            json.put("replaceContext", files(spec.name() + "-replacement", spec.replacement()));
        }
        return json;
    }

    private Map<String, Object> files(String name, HeldCertificate cert) {
        InteropCerts.PemFiles pems = InteropCerts.write(dir, name, cert);
        return Config.of("key", pems.key(), "cert", pems.cert());
    }

    private void startNode(List<Object> specs) {
        node = ExternalProcess.start(List.of("node", NodePeer.script("matrix-servers.js"),
                JsJson.stringify(Config.of("servers", specs))));
        node.awaitLine(line -> line.contains("\"event\":\"ready\""), TIMEOUT);
        for (String line : node.output().split("\n")) {
            Map<String, Object> event = MiniJson.objectOrNull(line);
            if (event != null && "listening".equals(event.get("event"))) {
                nodePorts.put((String) event.get("name"), ((Number) event.get("port")).intValue());
            }
        }
    }

    @Override
    public void close() {
        jtls.values().forEach(JtlsPeer::close);
        callbackContexts.forEach(SecureContext::close);
        if (node != null) {
            node.close();
        }
    }
}
