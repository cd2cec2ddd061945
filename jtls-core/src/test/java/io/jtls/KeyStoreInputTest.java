package io.jtls;

import static io.jtls.TlsTesting.await;
import static io.jtls.TlsTesting.closing;
import static io.jtls.TlsTesting.listen;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.context.PrivateKeyEntry;
import io.jtls.context.SecureContextOptions;
import io.jtls.error.TlsException;
import io.jtls.support.ExternalProcess;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key material Java already has: keystores made by the JDK's own {@code keytool} (PKCS#12 and
 * JKS), a {@link PrivateKey} with its chain, and a trust store, each serving or verifying a real
 * handshake against jtls or {@code openssl s_client}.
 */
class KeyStoreInputTest {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    /** keytool -genkeypair: a self-signed localhost certificate in a PKCS#12 and in a JKS. */
    @BeforeAll
    static void makeKeystores() {
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost, O=keytool p12", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", dir.resolve("server.p12").toString(),
                "-storepass", "changeit");
        keytool("-genkeypair", "-alias", "rsa", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=localhost, O=keytool jks", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-validity", "2", "-storetype", "JKS", "-keystore", dir.resolve("server.jks").toString(),
                "-storepass", "changeit", "-keypass", "changeit");
        keytool("-genkeypair", "-alias", "client", "-keyalg", "EC", "-groupname", "secp384r1",
                "-dname", "CN=client, O=keytool client", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", dir.resolve("client.p12").toString(), "-storepass", "changeit");
        keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", dir.resolve("server.p12").toString(),
                "-storepass", "changeit", "-file", dir.resolve("server.pem").toString());
        keytool("-exportcert", "-rfc", "-alias", "rsa", "-keystore", dir.resolve("server.jks").toString(),
                "-storepass", "changeit", "-file", dir.resolve("server-jks.pem").toString());
        // The client's trust store: both servers' certificates as trusted certificate entries.
        keytool("-importcert", "-noprompt", "-alias", "p12", "-file", dir.resolve("server.pem").toString(),
                "-storetype", "PKCS12", "-keystore", dir.resolve("trust.p12").toString(), "-storepass", "changeit");
        keytool("-importcert", "-noprompt", "-alias", "jks", "-file", dir.resolve("server-jks.pem").toString(),
                "-storetype", "PKCS12", "-keystore", dir.resolve("trust.p12").toString(), "-storepass", "changeit");
    }

    private static void keytool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        ExternalProcess.run(TOOL_TIMEOUT, command).ok();
    }

    private static KeyStore load(String name) throws Exception {
        return KeyStore.getInstance(dir.resolve(name).toFile(), PASSWORD);
    }

    @Test
    void keytoolPkcs12ServesAHandshakeThatTheTrustStoreVerifies() throws Exception {
        TlsServer server = Tls.createServer(TlsServerOptions.builder().keyStore(load("server.p12"), PASSWORD, "server")
                .build(), TlsTesting.echo());
        try (var ignored = closing(server)) {
            int port = listen(server);
            TlsTesting.Client client = TlsTesting.connect(TlsConnectOptions.builder().host("127.0.0.1").port(port)
                    .servername("localhost").ca(load("trust.p12")).build());
            await(client.secure());
            assertTrue(client.socket().authorized(), client.socket().authorizationError());
            assertEquals("keytool p12", client.socket().getPeerCertificate().subject().get("O"));
            client.socket().destroy();
        }
    }

    @Test
    void keytoolJksFileServesOpenSslClient() throws Exception {
        // No alias: the store's only private key entry; the file's type (JKS) is detected.
        TlsServer server = Tls.createServer(TlsServerOptions.builder()
                .keyStore(dir.resolve("server.jks"), PASSWORD, null).build(), TlsTesting.echo());
        try (var ignored = closing(server)) {
            int port = listen(server);
            String out = ExternalProcess.run(TOOL_TIMEOUT, List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                    "-servername", "localhost", "-CAfile", dir.resolve("server-jks.pem").toString(),
                    "-verify_return_error", "-brief")).output();
            assertTrue(out.contains("Verification: OK"), out);
            assertTrue(out.contains("O = keytool jks") || out.contains("O=keytool jks"), out);
        }
    }

    @Test
    void privateKeyAndChainFromAKeyStoreServeOpenSslClient() throws Exception {
        KeyStore store = load("server.p12");
        PrivateKey key = (PrivateKey) store.getKey("server", PASSWORD);
        X509Certificate certificate = (X509Certificate) store.getCertificate("server");
        TlsServer server = Tls.createServer(TlsServerOptions.builder().key(key, certificate).build(), TlsTesting.echo());
        try (var ignored = closing(server)) {
            int port = listen(server);
            String out = ExternalProcess.run(TOOL_TIMEOUT, List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                    "-servername", "localhost", "-CAfile", dir.resolve("server.pem").toString(),
                    "-verify_return_error", "-brief")).output();
            assertTrue(out.contains("Verification: OK"), out);
        }
    }

    @Test
    void aHeldCertificateChainAsJavaObjectsIsSentWhole() throws Exception {
        // A leaf under an intermediate: the chain's second certificate must reach the client,
        // which trusts only the root (given as an X509Certificate).
        X509Certificate leaf = x509(TlsTesting.SERVER_EC.certificatePem());
        X509Certificate intermediate = x509(TlsTesting.INTERMEDIATE.certificatePem());
        PrivateKey key = java.security.KeyFactory.getInstance("EC").generatePrivate(
                new java.security.spec.PKCS8EncodedKeySpec(TlsTesting.SERVER_EC.privateKeyDer()));
        TlsServer server = Tls.createServer(TlsServerOptions.builder().key(key, leaf, intermediate).build(),
                TlsTesting.echo());
        try (var ignored = closing(server)) {
            int port = listen(server);
            TlsTesting.Client client = TlsTesting.connect(TlsConnectOptions.builder().host("127.0.0.1").port(port)
                    .servername("localhost").ca(x509(TlsTesting.ROOT.certificatePem())).build());
            await(client.secure());
            assertTrue(client.socket().authorized(), client.socket().authorizationError());
            client.socket().destroy();
        }
    }

    @Test
    void aKeytoolClientCertificateIsVerifiedByTheServer() throws Exception {
        // Mutual TLS the Java way on both ends: the client's identity from its keystore, the
        // server trusting exactly that certificate, given as an X509Certificate.
        KeyStore clientStore = load("client.p12");
        java.util.concurrent.CompletableFuture<String> seen = new java.util.concurrent.CompletableFuture<>();
        TlsServer server = Tls.createServer(TlsTesting.serverWith(TlsTesting.SERVER_EC).requestCert(true)
                .rejectUnauthorized(true).ca((X509Certificate) clientStore.getCertificate("client")).build(), s -> {
                    seen.complete(s.authorized() + " " + s.getPeerCertificate().subject().get("O"));
                    s.end();
                });
        try (var ignored = closing(server)) {
            int port = listen(server);
            TlsTesting.Client client = TlsTesting.connect(TlsTesting.clientTo(port).keyStore(clientStore, PASSWORD, "client")
                    .build());
            await(client.secure());
            assertEquals("true keytool client", await(seen));
            await(client.events().closed);
        }
    }

    @Test
    void aTrustStoreWithoutTheServerRejectsIt() throws Exception {
        KeyStore empty = KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        TlsServer server = Tls.createServer(TlsServerOptions.builder().keyStore(load("server.p12"), PASSWORD, "server")
                .build(), TlsTesting.echo());
        try (var ignored = closing(server)) {
            int port = listen(server);
            TlsTesting.Client client = TlsTesting.connect(TlsConnectOptions.builder().host("127.0.0.1").port(port)
                    .servername("localhost").ca(empty).build());
            Throwable error = await(client.events().error);
            assertEquals("DEPTH_ZERO_SELF_SIGNED_CERT", TlsTesting.code(error));
        }
    }

    @Test
    void theKeyBytesAreZeroedOnceOpenSslHasThem() throws Exception {
        KeyStore store = load("server.p12");
        RecordingKey key = new RecordingKey((PrivateKey) store.getKey("server", PASSWORD));
        SecureContextOptions options = SecureContextOptions.builder()
                .key(key, (X509Certificate) store.getCertificate("server")).build();
        try (SecureContext context = Tls.createSecureContext(options)) {
            assertFalse(context.isClosed());
        }
        assertEquals(1, key.handedOut.size(), "the key is encoded once per context");
        assertArrayEquals(new byte[key.handedOut.getFirst().length], key.handedOut.getFirst());
        // The options hold the key object, never encoded bytes: a second context encodes again.
        Tls.createSecureContext(options).close();
        assertEquals(2, key.handedOut.size());
    }

    @Test
    void aWrongPasswordAndAMismatchedKeyAreNodeErrors() throws Exception {
        TlsException wrong = assertThrows(TlsException.class, () -> SecureContextOptions.builder()
                .keyStore(dir.resolve("server.p12"), "wrong".toCharArray(), null));
        assertEquals("ERR_OSSL_BAD_DECRYPT", wrong.code(), wrong.getMessage());
        // A loaded store, the only key entry, a wrong key password: the message names the alias.
        TlsException wrongKey = assertThrows(TlsException.class, () -> SecureContextOptions.builder()
                .keyStore(load("server.p12"), "wrong".toCharArray(), null));
        assertEquals("ERR_OSSL_BAD_DECRYPT", wrongKey.code(), wrongKey.getMessage());
        assertTrue(wrongKey.getMessage().contains("alias 'server'"), wrongKey.getMessage());

        // Another P-256 key than the certificate's: the same slot, so OpenSSL compares them.
        X509Certificate certificate = (X509Certificate) load("server.p12").getCertificate("server");
        PrivateKey other = java.security.KeyFactory.getInstance("EC").generatePrivate(
                new java.security.spec.PKCS8EncodedKeySpec(TlsTesting.SERVER_EC.privateKeyDer()));
        TlsException mismatch = assertThrows(TlsException.class, () -> Tls.createSecureContext(
                SecureContextOptions.builder().key(other, certificate).build()));
        assertEquals("ERR_OSSL_X509_KEY_VALUES_MISMATCH", mismatch.code(), mismatch.getMessage());
        assertTrue(mismatch.getMessage().contains("options.keyEntries"), mismatch.getMessage());
    }

    private static X509Certificate x509(String pem) throws Exception {
        return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    /** A key that keeps every encoding it hands out, to check that jtls zeroed them. */
    private static final class RecordingKey implements PrivateKey {
        private static final long serialVersionUID = 1L;
        private final transient PrivateKey delegate;
        final transient List<byte[]> handedOut = new ArrayList<>();

        RecordingKey(PrivateKey delegate) {
            this.delegate = delegate;
        }

        @Override
        public String getAlgorithm() {
            return delegate.getAlgorithm();
        }

        @Override
        public String getFormat() {
            return delegate.getFormat();
        }

        @Override
        public byte[] getEncoded() {
            byte[] der = delegate.getEncoded();
            handedOut.add(der);
            return der;
        }
    }
}
