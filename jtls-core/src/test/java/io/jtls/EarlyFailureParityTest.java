package io.jtls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jtls.error.ConnectionResetException;
import io.jtls.error.NodeError;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import io.jtls.net.Net;
import io.jtls.net.Server;
import io.jtls.support.ExternalProcess;
import io.jtls.support.Waiting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures before the handshake completes, compared with Node v20 on the same inputs: the
 * client's {@code ECONNRESET} when the server hangs up (events {@code end}, {@code error},
 * {@code close}; the error's {@code host} and {@code port}), and the server's
 * {@code tlsClientError} socket, which already knows the name the client asked for.
 */
class EarlyFailureParityTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void aServerThatHangsUpBeforeTheHandshakeIsNodesEconnreset() throws Exception {
        Server hangUp = Net.createServer(s -> s.end());
        int port = Waiting.listen(hangUp, TIMEOUT);
        try {
            String node = node("""
                    const c = require('tls').connect({port: +process.argv[1], host: '127.0.0.1'});
                    const seen = [];
                    for (const ev of ['end', 'close', 'secureConnect']) c.on(ev, () => seen.push(ev));
                    c.on('error', (e) => seen.push('error ' + [e.name, e.code, e.message, e.host, e.port].join('|')));
                    c.on('close', () => console.log(seen.join('\\n')));
                    """, String.valueOf(port));

            List<String> seen = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> closed = new CompletableFuture<>();
            Tls.connect(TlsConnectOptions.builder().host("127.0.0.1").port(port).build(), s -> {
                s.on(Duplex.END, () -> seen.add("end"));
                s.on(TlsSocket.SECURE_CONNECT, () -> seen.add("secureConnect"));
                s.on(EventEmitter.ERROR, e -> {
                    ConnectionResetException r = (ConnectionResetException) e;
                    seen.add("error " + String.join("|", r.name(), r.code(), r.getMessage(), r.host(),
                            String.valueOf(r.port())));
                });
                s.on(Duplex.CLOSE, hadError -> {
                    seen.add("close");
                    closed.complete(null);
                });
            }, null);
            Waiting.await(closed, TIMEOUT);
            assertEquals(node, String.join("\n", seen));
        } finally {
            hangUp.close();
        }
    }

    /**
     * The client asks for a cipher the server does not have: OpenSSL has read the ClientHello
     * (and its SNI) when the handshake fails. Node clients, once with SNI and once without,
     * against a Node server and a jtls server configured alike.
     */
    @Test
    void aTlsClientErrorSocketKnowsTheServername() throws Exception {
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        Files.writeString(key, TlsTesting.SERVER_EC.privateKeyPem());
        Files.writeString(cert, TlsTesting.SERVER_EC.chainPem());
        String clients = """
                const tls = require('tls');
                (async () => {
                  for (const opts of [{servername: 'foo.example'}, {}]) {
                    await new Promise((resolve) => {
                      const c = tls.connect({port: +process.argv[1], host: '127.0.0.1', rejectUnauthorized: false,
                          maxVersion: 'TLSv1.2', ciphers: 'AES256-SHA', ...opts});
                      c.on('error', () => {}); c.on('close', resolve);
                    });
                  }
                })();
                """;
        String nodeServer = node("""
                const tls = require('tls'), fs = require('fs'), { execFile } = require('child_process');
                const server = tls.createServer({key: fs.readFileSync(process.argv[1]), cert: fs.readFileSync(process.argv[2]),
                    ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256'});
                const seen = [];
                server.on('tlsClientError', (e, s) => seen.push(e.code + ' ' + s.servername));
                server.listen(0, '127.0.0.1', () => {
                  execFile(process.execPath, ['-e', process.argv[3], '--', server.address().port],
                      () => server.close(() => console.log(seen.join('\\n'))));
                });
                """, key.toString(), cert.toString(), clients);

        List<String> seen = new CopyOnWriteArrayList<>();
        TlsServer server = Tls.createServer(TlsTesting.serverWith(TlsTesting.SERVER_EC)
                .ciphers("ECDHE-ECDSA-AES128-GCM-SHA256").build());
        server.on(TlsServer.TLS_CLIENT_ERROR, (e, s) -> seen.add(((NodeError) e).code() + " " + s.servername()));
        int port = TlsTesting.listen(server);
        try {
            node(clients, String.valueOf(port));
            // Both clients have closed; the server reports each failure before the socket's 'close'.
            Waiting.eventually("two tlsClientError events", TIMEOUT, () -> seen.size() == 2);
        } finally {
            TlsTesting.close(server);
        }
        // Node prints undefined for a name never set; jtls's null stands for it. The two
        // connections may be on two loops of the jtls server: their reports are compared as a set.
        assertEquals(nodeServer.replace("undefined", "null").lines().sorted().toList(), seen.stream().sorted().toList());
    }

    private String node(String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of("node", "-e", script, "--"));
        cmd.addAll(List.of(args));
        ExternalProcess.Result r = ExternalProcess.run(dir, TIMEOUT, cmd);
        assertEquals(0, r.exitCode(), r.output());
        return r.output().strip();
    }
}
