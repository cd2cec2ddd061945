package io.jtls.interop;

import static io.jtls.interop.InteropCerts.*;
import static io.jtls.interop.JtlsPeer.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.SecureContext;
import io.jtls.Tls;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.TlsSocket;
import io.jtls.context.SecureContextOptions;
import io.jtls.pki.HeldCertificate;
import io.jtls.support.NativeLeakCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A jtls server ({@code Tls.createServer}) and {@code openssl s_client} (OpenSSL 3.0). */
class OpenSslClientInteropTest {
    @TempDir
    static Path dir;
    static Path rootCa;
    static List<String> clientCert;
    static List<String> untrustedCert;

    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    @BeforeAll
    static void writePems() {
        rootCa = writeCa(dir, "root", ROOT);
        clientCert = opensslArgs(dir, "client", CLIENT);
        untrustedCert = opensslArgs(dir, "untrusted", UNTRUSTED_LEAF);
    }

    /** s_client arguments trusting the interop root and checking "localhost", then {@code more}. */
    private static List<String> verified(String... more) {
        List<String> args = new ArrayList<>(List.of("-CAfile", rootCa.toString(), "-servername", "localhost",
                "-verify_hostname", "localhost", "-verify_return_error"));
        args.addAll(List.of(more));
        return args;
    }

    private static List<String> plus(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }

    /** What the server side reported, read in its 'secureConnection' listener (on its loop). */
    record ServerView(String protocol, String cipher, boolean authorized, String authorizationError, String peerCn,
                      String servername, String alpn) {
        static ServerView of(TlsSocket s) {
            var peer = s.getPeerCertificate();
            return new ServerView(s.getProtocol(), s.getCipher().name(), s.authorized(), s.authorizationError(),
                    peer == null ? null : peer.subject().get("CN"), s.servername(), s.alpnProtocol());
        }
    }

    /** A listening server whose 'secureConnection' views and 'tlsClientError' codes are recorded. */
    static final class Server implements AutoCloseable {
        final TlsServer server;
        final java.util.concurrent.BlockingQueue<ServerView> views = new java.util.concurrent.LinkedBlockingQueue<>();
        final java.util.concurrent.BlockingQueue<Throwable> clientErrors = new java.util.concurrent.LinkedBlockingQueue<>();
        final int port;

        Server(TlsServerOptions options, Consumer<TlsSocket> then) {
            server = Tls.createServer(options, s -> {
                views.add(ServerView.of(s));
                then.accept(s);
            });
            server.on(TlsServer.TLS_CLIENT_ERROR, (e, s) -> clientErrors.add(e));
            port = listen(server);
        }

        ServerView view() {
            return poll(views);
        }

        String clientErrorCode() {
            return code(poll(clientErrors));
        }

        private static <T> T poll(java.util.concurrent.BlockingQueue<T> queue) {
            try {
                T value = queue.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertNotNull(value, "nothing within " + TIMEOUT);
                return value;
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public void close() {
            JtlsPeer.close(server);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"TLSv1.3, EC", "TLSv1.3, RSA", "TLSv1.2, EC", "TLSv1.2, RSA"})
    void handshakeAndEcho(String version, String keyType) {
        HeldCertificate cert = keyType.equals("EC") ? SERVER_EC : SERVER_RSA;
        try (Server server = new Server(serverWith(cert).build(), s -> s.pipe(s));
             OpenSslPeer client = OpenSslPeer.client(server.port,
                     verified("-brief", version.equals("TLSv1.3") ? "-tls1_3" : "-tls1_2"))) {
            client.awaitLine("^CONNECTION ESTABLISHED$");
            assertEquals("Protocol version: " + version, client.awaitLine("^Protocol version: .*"));
            client.awaitLine("^Peer certificate: CN = localhost$");
            client.awaitLine("^Verification: OK$");
            ServerView view = server.view();
            assertEquals("Ciphersuite: " + view.cipher(), client.awaitLine("^Ciphersuite: .*"));
            assertEquals(new ServerView(version, view.cipher(), false, null, null, "localhost", null), view);
            client.write("ping from s_client\n");
            client.awaitLine("^ping from s_client$");
            client.closeStdin();
            assertEquals(0, client.waitFor(), client.output());
        }
    }

    @Test
    void clientCertificateRequested() {
        TlsServerOptions options = serverWith(SERVER_EC).requestCert(true).rejectUnauthorized(false)
                .ca(ROOT.certificatePem()).build();
        try (Server server = new Server(options, s -> s.end("bye\n"))) {
            try (OpenSslPeer client = OpenSslPeer.client(server.port, plus(verified("-brief"), clientCert.toArray(String[]::new)))) {
                client.awaitLine("^bye$");
                ServerView view = server.view();
                assertTrue(view.authorized(), String.valueOf(view));
                assertEquals("interop client", view.peerCn());
            }
            try (OpenSslPeer client = OpenSslPeer.client(server.port, verified("-brief"))) {
                client.awaitLine("^bye$");
                ServerView view = server.view();
                assertFalse(view.authorized());
                assertNull(view.peerCn());
            }
            try (OpenSslPeer client = OpenSslPeer.client(server.port, plus(verified("-brief"), untrustedCert.toArray(String[]::new)))) {
                client.awaitLine("^bye$");
                ServerView view = server.view();
                assertFalse(view.authorized());
                assertEquals("UNABLE_TO_VERIFY_LEAF_SIGNATURE", view.authorizationError());
                assertEquals("localhost", view.peerCn());
            }
        }
    }

    /**
     * Required certificates: s_client without one, or with an untrusted one, fails on a jtls
     * server with the {@code tlsClientError} a Node server reports for the same s_client.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"-tls1_3, none", "-tls1_3, untrusted", "-tls1_2, none", "-tls1_2, untrusted"})
    void clientCertificateRequiredFailsAsOnANodeServer(String versionFlag, String presented) {
        List<String> args = plus(verified("-brief", versionFlag), presented.equals("none") ? new String[0]
                : untrustedCert.toArray(String[]::new));
        PemFiles pems = write(dir, "server-ec", SERVER_EC);
        String nodeCode;
        try (NodePeer node = NodePeer.server(Config.of("key", pems.key(), "cert", pems.cert(), "ca", rootCa,
                "requestCert", true, "rejectUnauthorized", true));
             OpenSslPeer client = OpenSslPeer.client(node.port(), args)) {
            nodeCode = (String) node.await("tlsClientError").get("code");
            client.waitFor();
        }
        TlsServerOptions options = serverWith(SERVER_EC).requestCert(true).ca(ROOT.certificatePem()).build();
        try (Server server = new Server(options, s -> s.end("should not be sent\n"));
             OpenSslPeer client = OpenSslPeer.client(server.port, args)) {
            assertEquals(nodeCode, server.clientErrorCode());
            client.waitFor();
            assertFalse(client.output().contains("should not be sent"));
        }
    }

    @Test
    void alpnAgreementAndMismatchAsOnANodeServer() {
        try (Server server = new Server(serverWith(SERVER_EC).alpnProtocols("h2", "http/1.1").build(), s -> s.end())) {
            try (OpenSslPeer client = OpenSslPeer.client(server.port, verified("-alpn", "http/1.1,h2"))) {
                client.awaitLine("^ALPN protocol: h2$");
                assertEquals("h2", server.view().alpn());
            }
            PemFiles pems = write(dir, "server-ec", SERVER_EC);
            String nodeCode;
            try (NodePeer node = NodePeer.server(Config.of("key", pems.key(), "cert", pems.cert(),
                    "ALPNProtocols", List.of("h2", "http/1.1")));
                 OpenSslPeer client = OpenSslPeer.client(node.port(), verified("-brief", "-alpn", "spdy/3"))) {
                nodeCode = (String) node.await("tlsClientError").get("code");
                client.waitFor();
            }
            try (OpenSslPeer client = OpenSslPeer.client(server.port, verified("-brief", "-alpn", "spdy/3"))) {
                assertEquals(nodeCode, server.clientErrorCode());
                client.awaitLine("no application protocol");
            }
        }
    }

    @Test
    void sniByAddContextAndByAsynchronousCallback() {
        SecureContext alpha = Tls.createSecureContext(SecureContextOptions.builder().cert(ALPHA.chainPem())
                .key(ALPHA.privateKeyPem()).build());
        Executor later = CompletableFuture.delayedExecutor(30, TimeUnit.MILLISECONDS);
        TlsServerOptions byCallback = serverWith(SERVER_EC)
                .sniCallback((name, cb) -> later.execute(() -> cb.accept(null, name.equals("alpha.test") ? alpha : null)))
                .build();
        try (Server added = new Server(serverWith(SERVER_EC).build(), s -> s.end(s.servername() + "\n"));
             Server called = new Server(byCallback, s -> s.end(s.servername() + "\n"))) {
            added.server.addContext("alpha.test", SecureContextOptions.builder().cert(ALPHA.chainPem())
                    .key(ALPHA.privateKeyPem()).build());
            for (Server server : List.of(added, called)) {
                try (OpenSslPeer client = OpenSslPeer.client(server.port, List.of("-CAfile", rootCa.toString(),
                        "-servername", "alpha.test", "-verify_hostname", "alpha.test", "-verify_return_error", "-brief"))) {
                    client.awaitLine("^Peer certificate: CN = alpha.test$");
                    client.awaitLine("^Verification: OK$");
                    client.awaitLine("^alpha.test$");
                }
                try (OpenSslPeer client = OpenSslPeer.client(server.port, verified("-brief"))) {
                    client.awaitLine("^Peer certificate: CN = localhost$");
                    client.awaitLine("^localhost$");
                }
            }
        } finally {
            alpha.close();
        }
    }

    @Test
    void largeTransferFromSClient() {
        Path file = dir.resolve("sent-by-s_client.bin");
        String sha = writeRandomFile(file, 32L * MIB);
        CompletableFuture<Sink> sink = new CompletableFuture<>();
        try (Server server = new Server(serverWith(SERVER_EC).build(), s -> sink.complete(new Sink(s)));
             OpenSslPeer client = OpenSslPeer.client(server.port, verified("-quiet", "-no_ign_eof"), file, null)) {
            Received received = await(await(sink).done);
            assertEquals(32L * MIB, received.bytes());
            assertEquals(sha, received.sha256());
            client.waitFor();
        }
    }

    @Test
    void largeTransferToSClient() throws IOException {
        Path file = dir.resolve("received-by-s_client.bin");
        CompletableFuture<Source> source = new CompletableFuture<>();
        try (Server server = new Server(serverWith(SERVER_RSA).build(), s -> source.complete(new Source(s, 32L * MIB, true).start()));
             OpenSslPeer client = OpenSslPeer.client(server.port, verified("-quiet"), null, file)) {
            String sent = await(await(source).sent);
            assertEquals(0, client.waitFor(), client.output());
            assertEquals(32L * MIB, Files.size(file));
            assertEquals(sent, sha256Of(file));
        }
    }

    /** {@code setMaxSendFragment(1024)} on the server's socket: s_client receives records of at most 1 KiB of plaintext. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"-tls1_3", "-tls1_2"})
    void maxSendFragmentShowsInRecordSizes(String versionFlag) throws IOException {
        int total = 256 * 1024;
        for (int fragment : new int[] {1024, 0}) {
            Path file = dir.resolve("fragments.bin");
            CompletableFuture<Source> source = new CompletableFuture<>();
            CompletableFuture<Boolean> set = new CompletableFuture<>();
            try (Server server = new Server(serverWith(SERVER_EC).build(), s -> {
                        set.complete(fragment == 0 || s.setMaxSendFragment(fragment));
                        source.complete(new Source(s, total, true).start());
                    });
                 RecordProxy proxy = new RecordProxy(server.port);
                 OpenSslPeer client = OpenSslPeer.client(proxy.port(), verified("-quiet", versionFlag), null, file)) {
                assertTrue(await(set));
                String sent = await(await(source).sent);
                assertEquals(0, client.waitFor(), client.output());
                assertEquals(total, Files.size(file), "bytes s_client received; " + proxy + client.output());
                assertEquals(sent, sha256Of(file), proxy.toString());
                List<Integer> appData = proxy.toClient().stream().filter(r -> r.type() == 23)
                        .map(RecordProxy.TlsRecord::length).toList();
                int largest = appData.stream().mapToInt(Integer::intValue).max().orElse(0);
                if (fragment > 0) {
                    assertTrue(largest <= fragment + 32, "largest record " + largest);
                    assertTrue(appData.stream().filter(n -> n > fragment - 64).count() >= total / fragment,
                            "records of about " + fragment + " bytes: " + appData.size());
                } else {
                    assertTrue(largest > 16384, "records of 16 KiB by default, largest " + largest);
                }
            }
        }
    }
}
