package io.jtls.interop;

import static io.jtls.interop.InteropCerts.*;
import static io.jtls.interop.JtlsPeer.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.TlsConnectOptions;
import io.jtls.TlsSocket;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import io.jtls.support.NativeLeakCheck;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A jtls client ({@code Tls.connect}) and {@code openssl s_server} (OpenSSL 3.0). */
class OpenSslServerInteropTest {
    @TempDir
    static Path dir;
    static Path rootCa;
    static List<String> serverEc;
    static List<String> serverRsa;

    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    @BeforeAll
    static void writePems() {
        rootCa = writeCa(dir, "root", ROOT);
        serverEc = opensslArgs(dir, "server-ec", SERVER_EC);
        serverRsa = opensslArgs(dir, "server-rsa", SERVER_RSA);
    }

    private static List<String> args(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }

    /** What the jtls client reported at 'secureConnect', read in the listener (on its loop). */
    record ClientView(boolean authorized, String authorizationError, String protocol, String cipher, String peerCn,
                      String alpn) {
        static ClientView of(TlsSocket s) {
            var peer = s.getPeerCertificate();
            return new ClientView(s.authorized(), s.authorizationError(), s.getProtocol(), s.getCipher().name(),
                    peer == null ? null : peer.subject().get("CN"), s.alpnProtocol());
        }
    }

    /** A connected client: its view at 'secureConnect', the socket, and the text it received. */
    record Connected(ClientView view, TlsSocket socket, Text text) {}

    private static Connected connect(TlsConnectOptions options, Consumer<TlsSocket> then) {
        CompletableFuture<ClientView> view = new CompletableFuture<>();
        Text[] text = new Text[1];
        TlsSocket socket = JtlsPeer.connect(options, s -> {
            text[0] = new Text(s);
            s.on(TlsSocket.SECURE_CONNECT, () -> {
                view.complete(ClientView.of(s));
                if (then != null) {
                    then.accept(s);
                }
            });
            s.on(EventEmitter.ERROR, view::completeExceptionally);
        });
        return new Connected(await(view), socket, text[0]);
    }

    /** The error a jtls client gets from {@code options}. */
    private static Throwable connectFailure(TlsConnectOptions options) {
        CompletableFuture<Throwable> error = new CompletableFuture<>();
        JtlsPeer.connect(options, s -> {
            s.on(EventEmitter.ERROR, error::complete);
            s.on(Duplex.CLOSE, hadError -> error.completeExceptionally(new AssertionError("closed without error")));
        });
        return await(error);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"TLSv1.3, EC", "TLSv1.3, RSA", "TLSv1.2, EC", "TLSv1.2, RSA"})
    void handshakeAndDataBothWays(String version, String keyType) {
        String versionFlag = version.equals("TLSv1.3") ? "-tls1_3" : "-tls1_2";
        try (OpenSslPeer server = OpenSslPeer.server(args(keyType.equals("EC") ? serverEc : serverRsa, versionFlag))) {
            Connected c = connect(clientTo(server.port()).build(), s -> s.write("hello from jtls\n"));
            assertEquals(new ClientView(true, null, version, c.view().cipher(), "localhost", null), c.view());
            if (version.equals("TLSv1.2")) {
                assertTrue(c.view().cipher().startsWith(keyType.equals("EC") ? "ECDHE-ECDSA-" : "ECDHE-RSA-"));
            }
            server.awaitLine("^hello from jtls$");
            assertEquals("CIPHER is " + c.view().cipher(), server.awaitLine("^CIPHER is .*"));
            server.write("hello from openssl\n");
            c.text().await("hello from openssl\n");
            c.socket().end();
            server.awaitLine("^(DONE|CONNECTION CLOSED)$");
        }
    }

    @Test
    void clientCertificateRequested() {
        PemFiles client = write(dir, "client", CLIENT);
        PemFiles untrusted = write(dir, "untrusted", UNTRUSTED_LEAF);
        try (OpenSslPeer server = OpenSslPeer.server(args(serverEc, "-verify", "1", "-CAfile", rootCa.toString(), "-naccept", "1"))) {
            Connected c = connect(clientTo(server.port()).cert(client.cert()).key(client.key()).build(),
                    s -> s.write("with certificate\n"));
            server.awaitLine("^with certificate$");
            server.awaitLine("^subject=O = Acme, CN = interop client$");
            c.socket().end();
            assertEquals(0, server.waitFor());
        }
        try (OpenSslPeer server = OpenSslPeer.server(args(serverEc, "-verify", "1", "-CAfile", rootCa.toString(), "-naccept", "1"))) {
            Connected c = connect(clientTo(server.port()).build(), s -> s.write("without\n"));
            server.awaitLine("^without$");
            assertFalse(server.output().contains("Client certificate"), server.output());
            c.socket().end();
        }
        try (OpenSslPeer server = OpenSslPeer.server(args(serverEc, "-verify", "1", "-CAfile", rootCa.toString(), "-naccept", "1"))) {
            Connected c = connect(clientTo(server.port()).cert(untrusted.cert()).key(untrusted.key()).build(),
                    s -> s.write("untrusted\n"));
            server.awaitLine("^untrusted$");
            server.awaitLine("verify error:num=\\d+:");
            c.socket().end();
        }
    }

    /** s_server -Verify (required): the jtls client fails with the code a Node client gets from the same s_server. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"-tls1_3", "-tls1_2"})
    void clientCertificateRequiredFailsAsForNode(String versionFlag) {
        try (OpenSslPeer server = OpenSslPeer.server(args(serverEc, versionFlag, "-Verify", "1", "-CAfile", rootCa.toString()))) {
            Map<String, Object> nodeSaw;
            try (NodePeer node = NodePeer.client(Config.of("port", server.port(), "ca", rootCa, "servername", "localhost",
                    "send", "x"))) {
                nodeSaw = node.awaitAny("error", "close");
            }
            CompletableFuture<Object> outcome = new CompletableFuture<>();
            JtlsPeer.connect(clientTo(server.port()).build(), s -> {
                s.on(TlsSocket.SECURE_CONNECT, () -> s.write("x"));
                new Sink(s).done.whenComplete((r, e) -> outcome.complete(e == null ? "end" : e));
            });
            Object jtlsSaw = await(outcome);
            assertEquals("error", nodeSaw.get("event"), String.valueOf(nodeSaw));
            assertInstanceOf(Throwable.class, jtlsSaw);
            assertEquals(nodeSaw.get("code"), code((Throwable) jtlsSaw));
        }
    }

    @Test
    void alpnAgreementAndNoOverlapAsForNode() {
        try (OpenSslPeer server = OpenSslPeer.server(args(serverEc, "-alpn", "h2,http/1.1"))) {
            Connected c = connect(clientTo(server.port()).alpnProtocols("http/1.1", "h2").build(), TlsSocket::end);
            assertEquals("h2", c.view().alpn(), "the server's preference");
            server.awaitLine("^ALPN protocols selected: h2$");

            // No overlap: the jtls client ends as a Node client does against the same s_server.
            Map<String, Object> nodeSaw;
            try (NodePeer node = NodePeer.client(Config.of("port", server.port(), "ca", rootCa, "servername", "localhost",
                    "ALPNProtocols", List.of("spdy/3")))) {
                nodeSaw = node.awaitAny("error", "secureConnect");
            }
            TlsConnectOptions mismatch = clientTo(server.port()).alpnProtocols("spdy/3").build();
            if (nodeSaw.get("event").equals("error")) {
                assertEquals(nodeSaw.get("code"), code(connectFailure(mismatch)));
            } else {
                assertEquals(false, nodeSaw.get("alpnProtocol"));
                assertNull(connect(mismatch, TlsSocket::end).view().alpn(), "Node's false");
            }
        }
    }

    @Test
    void sniSelectsTheSecondCertificate() {
        PemFiles alpha = write(dir, "alpha", ALPHA);
        try (OpenSslPeer server = OpenSslPeer.server(args(serverEc, "-servername", "alpha.test",
                "-cert2", alpha.cert().toString(), "-key2", alpha.key().toString()))) {
            Connected a = connect(clientTo(server.port()).servername("alpha.test").build(), TlsSocket::end);
            assertEquals("alpha.test", a.view().peerCn());
            assertTrue(a.view().authorized());
            Connected other = connect(clientTo(server.port()).servername("localhost").build(), TlsSocket::end);
            assertEquals("localhost", other.view().peerCn());
            assertTrue(other.view().authorized());
        }
    }

    @Test
    void largeTransferToSServer() throws IOException {
        Path received = dir.resolve("received-by-s_server.bin");
        try (OpenSslPeer server = OpenSslPeer.server(args(serverEc, "-quiet", "-naccept", "1"), null, received)) {
            CompletableFuture<Source> source = new CompletableFuture<>();
            connect(clientTo(server.port()).build(), s -> source.complete(new Source(s, 32L * MIB, true).start()));
            String sent = await(await(source).sent);
            assertEquals(0, server.waitFor(), server.output());
            assertEquals(32L * MIB, java.nio.file.Files.size(received));
            assertEquals(sent, sha256Of(received));
        }
    }

    @Test
    void largeTransferFromSServer() {
        Path file = dir.resolve("sent-by-s_server.bin");
        String sha = writeRandomFile(file, 32L * MIB);
        try (OpenSslPeer server = OpenSslPeer.server(args(serverRsa, "-quiet", "-naccept", "1"), file, null)) {
            CompletableFuture<Sink> sink = new CompletableFuture<>();
            // s_server may have seen the socket readable (the ClientHello) in the select() where it
            // first read its input; it then blocks in SSL_read once the handshake is done, until
            // the client says something: the client does.
            connect(clientTo(server.port()).build(), s -> {
                sink.complete(new Sink(s));
                s.write("go");
            });
            Received received = await(await(sink).done);
            assertEquals(32L * MIB, received.bytes());
            assertEquals(sha, received.sha256());
        }
    }

    /**
     * {@code setMaxSendFragment(1024)} on the jtls client: every record it sends to s_server
     * (seen by a proxy that parses record headers) carries at most 1024 bytes of plaintext;
     * without it, 256 KiB go in records of 16 KiB.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"-tls1_3", "-tls1_2"})
    void maxSendFragmentShowsInRecordSizes(String versionFlag) throws IOException {
        int total = 256 * 1024;
        for (int fragment : new int[] {1024, 0}) {
            Path received = dir.resolve("fragments.bin");
            try (OpenSslPeer server = OpenSslPeer.server(args(serverEc, versionFlag, "-quiet", "-naccept", "1"), null, received);
                 RecordProxy proxy = new RecordProxy(server.port())) {
                CompletableFuture<Source> source = new CompletableFuture<>();
                CompletableFuture<Boolean> set = new CompletableFuture<>();
                connect(clientTo(proxy.port()).build(), s -> {
                    set.complete(fragment == 0 || s.setMaxSendFragment(fragment));
                    source.complete(new Source(s, total, true).start());
                });
                assertTrue(await(set), "setMaxSendFragment accepted");
                String sent = await(await(source).sent);
                assertEquals(0, server.waitFor(), server.output());
                assertEquals(total, java.nio.file.Files.size(received), "bytes s_server received; " + proxy + server.output());
                assertEquals(sent, sha256Of(received), proxy.toString());
                List<Integer> appData = proxy.toServer().stream().filter(r -> r.type() == 23)
                        .map(RecordProxy.TlsRecord::length).toList();
                int largest = appData.stream().mapToInt(Integer::intValue).max().orElse(0);
                if (fragment > 0) {
                    // AEAD overhead: TLS 1.3 adds 17 bytes (type + tag), TLS 1.2 GCM 24 (nonce + tag).
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
