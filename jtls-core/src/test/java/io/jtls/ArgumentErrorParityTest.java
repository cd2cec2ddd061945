package io.jtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.error.NodeError;
import io.jtls.net.DuplexPair;
import io.jtls.net.EventLoopGroup;
import io.jtls.support.ExternalProcess;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Argument and state errors of socket methods, compared with Node v20 on the same calls:
 * {@code err.name} (TypeError / RangeError / Error), {@code err.code} and the message, or
 * the value returned. Node's socket is {@code new tls.TLSSocket(null[, {isServer: true}])};
 * jtls's is a {@link TlsSocket} over one side of a {@link DuplexPair}.
 */
class ArgumentErrorParityTest {
    private record Case(String js, Function<TlsSocket[], Object> java) {}

    private static final Map<String, Case> CASES = new LinkedHashMap<>();

    static {
        // s[0] is a client socket, s[1] a server socket, neither connected.
        CASES.put("ekmLengthZero", new Case("c.exportKeyingMaterial(0, 'x')", s -> s[0].exportKeyingMaterial(0, "x", null)));
        CASES.put("ekmLengthNegative", new Case("c.exportKeyingMaterial(-1, 'x')", s -> s[0].exportKeyingMaterial(-1, "x", null)));
        CASES.put("ekmNullLabel", new Case("c.exportKeyingMaterial(10, null)", s -> s[0].exportKeyingMaterial(10, null, null)));
        CASES.put("ekmBeforeSecure", new Case("c.exportKeyingMaterial(10, 'x')", s -> s[0].exportKeyingMaterial(10, "x", null)));
        CASES.put("setServernameNull", new Case("c.setServername(null)", s -> {
            s[0].setServername(null);
            return null;
        }));
        CASES.put("setServernameOnServer", new Case("srv.setServername('x')", s -> {
            s[1].setServername("x");
            return null;
        }));
        CASES.put("maxSendFragmentSmall", new Case("c.setMaxSendFragment(100)", s -> s[0].setMaxSendFragment(100)));
        CASES.put("maxSendFragmentLarge", new Case("c.setMaxSendFragment(20000)", s -> s[0].setMaxSendFragment(20000)));
        CASES.put("alpnNameTooLong", new Case("tls.connect({port: 1, ALPNProtocols: ['x'.repeat(256)]})",
                s -> TlsConnectOptions.builder().alpnProtocols("x".repeat(256))));
        // Not compared: ALPNProtocols: [''] aborts Node v20 (an assertion in TLSWrap::SetALPNProtocols);
        // jtls throws ERR_INVALID_ARG_VALUE (emptyAlpnNameIsATypeError).
    }

    @Test
    void emptyAlpnNameIsATypeError() {
        io.jtls.error.TlsArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.jtls.error.TlsArgumentException.class, () -> TlsConnectOptions.builder().alpnProtocols("a", ""));
        assertEquals("ERR_INVALID_ARG_VALUE", e.code());
        assertEquals("The ALPN protocol at index 1 is empty", e.getMessage());
    }

    @Test
    void socketMethodsFailAsNodesDo() {
        StringBuilder js = new StringBuilder("""
                const tls = require('tls');
                const c = new tls.TLSSocket(null), srv = new tls.TLSSocket(null, {isServer: true});
                const cases = {
                """);
        CASES.forEach((name, c) -> js.append("  ").append(name).append(": () => ").append(c.js()).append(",\n"));
        js.append("""
                };
                for (const [name, f] of Object.entries(cases)) {
                  let out;
                  try { const r = f(); out = 'returned ' + (typeof r === 'boolean' ? r : 'other'); }
                  catch (e) { out = [e.name, e.code, e.message].join(' | '); }
                  console.log(name + '\\t' + out);
                }
                process.exit(0);
                """);
        ExternalProcess.Result r = ExternalProcess.run(Duration.ofSeconds(30), List.of("node", "-e", js.toString()));
        assertEquals(0, r.exitCode(), r.output());
        Map<String, String> node = new LinkedHashMap<>();
        for (String line : r.output().split("\n")) {
            String[] parts = line.split("\t", 2);
            if (parts.length == 2 && CASES.containsKey(parts[0])) {
                node.put(parts[0], parts[1]);
            }
        }
        assertEquals(CASES.keySet(), node.keySet(), r.output());

        TlsSocket client = new TlsSocket(new DuplexPair(EventLoopGroup.defaultGroup().next()).first());
        TlsSocket server = new TlsSocket(new DuplexPair(EventLoopGroup.defaultGroup().next()).first(),
                TlsSocketOptions.builder().isServer(true).build());
        TlsSocket[] sockets = {client, server};
        StringBuilder mismatches = new StringBuilder();
        try {
            CASES.forEach((name, c) -> {
                String out;
                try {
                    Object result = c.java().apply(sockets);
                    out = "returned " + (result instanceof Boolean b ? b : "other");
                } catch (RuntimeException e) {
                    assertTrue(e instanceof NodeError, name + ": " + e);
                    NodeError n = (NodeError) e;
                    out = String.join(" | ", n.name(), n.code(), e.getMessage());
                }
                if (!out.equals(node.get(name))) {
                    mismatches.append(String.format("%n%-22s node: %s%n%-22s jtls: %s", name, node.get(name), "", out));
                }
            });
        } finally {
            client.destroy();
            server.destroy();
        }
        assertTrue(mismatches.isEmpty(), "differences from node:" + mismatches);
    }
}
