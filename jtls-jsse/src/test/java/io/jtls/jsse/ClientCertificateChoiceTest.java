package io.jtls.jsse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.pki.HeldCertificate;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A client's certificate is chosen when the server's CertificateRequest arrives, with the CA
 * names the server listed, as SunJSSE chooses it: the client's key manager holds two
 * certificates from two CAs, the server names only the second CA, and the client presents the
 * second CA's certificate. Every pairing of the JDK's provider and jtls's (the JDK client first:
 * the expectations hold on SunJSSE), TLS 1.3 (certificate_authorities) and TLS 1.2 (the
 * CertificateRequest's names), and {@code openssl s_server -Verify 1 -CAfile} as the server.
 */
class ClientCertificateChoiceTest {
    private static final HeldCertificate CA_ONE = HeldCertificate.builder().commonName("Client CA One")
            .certificateAuthority(0).ec("prime256v1").build();
    private static final HeldCertificate CA_TWO = HeldCertificate.builder().commonName("Client CA Two")
            .certificateAuthority(0).ec("prime256v1").build();
    private static final HeldCertificate CLIENT_ONE = HeldCertificate.builder().commonName("client of CA one")
            .extendedKeyUsage("clientAuth").ec("prime256v1").signedBy(CA_ONE).build();
    private static final HeldCertificate CLIENT_TWO = HeldCertificate.builder().commonName("client of CA two")
            .extendedKeyUsage("clientAuth").ec("prime256v1").signedBy(CA_TWO).build();

    static Stream<Arguments> pairs() {
        List<Arguments> pairs = new ArrayList<>();
        for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
            for (Provider client : List.of(TestTls.JDK, TestTls.JTLS)) {
                for (Provider server : List.of(TestTls.JDK, TestTls.JTLS)) {
                    pairs.add(Arguments.of(protocol, TestTls.name(client) + "-client", client,
                            TestTls.name(server) + "-server", server));
                }
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0} {1} {3}")
    @MethodSource("pairs")
    void theServersCaNamesChooseTheCertificate(String protocol, String c, Provider clientProvider, String s,
                                               Provider serverProvider) throws Exception {
        RecordingKeyManager keys = new RecordingKeyManager();
        SSLContext server = TestTls.context(serverProvider, "TLS", TestTls.keyManagers(TestTls.SERVER),
                TestTls.trustManagers(CA_TWO));
        EnginePump pump = pump(clientProvider, keys, server, protocol);
        pump.handshake();

        assertEquals(protocol, pump.client.getSession().getProtocol());
        assertEquals(1, keys.requests.size(), "asked once, at the CertificateRequest: " + keys.requests);
        Request request = keys.requests.get(0);
        assertNotNull(request.issuers(), "the server named its CA");
        assertEquals(List.of(principal(CA_TWO)), request.issuers());
        assertTrue(request.keyTypes().contains("EC"), request.keyTypes().toString());
        assertEquals(TestTls.x509(CLIENT_TWO), pump.server.getSession().getPeerCertificates()[0], "the server saw");
        assertEquals(TestTls.x509(CLIENT_TWO), pump.client.getSession().getLocalCertificates()[0], "the client sent");
    }

    @ParameterizedTest(name = "{0} {1} {3}")
    @MethodSource("pairs")
    void withoutCaNamesTheKeyTypeAloneChooses(String protocol, String c, Provider clientProvider, String s,
                                             Provider serverProvider) throws Exception {
        RecordingKeyManager keys = new RecordingKeyManager();
        SSLContext server = TestTls.context(serverProvider, "TLS", TestTls.keyManagers(TestTls.SERVER),
                new TrustManager[] {new NamelessTrust()});
        EnginePump pump = pump(clientProvider, keys, server, protocol);
        pump.handshake();

        assertEquals(1, keys.requests.size(), keys.requests.toString());
        Request request = keys.requests.get(0);
        // SunJSSE: null for TLS 1.3 (no certificate_authorities), TLS 1.2's empty list as it came.
        if (protocol.equals("TLSv1.3")) {
            assertNull(request.issuers(), "no names");
        } else {
            assertEquals(List.of(), request.issuers(), "an empty list");
        }
        assertTrue(request.keyTypes().contains("EC"), request.keyTypes().toString());
        X509Certificate sent = (X509Certificate) pump.client.getSession().getLocalCertificates()[0];
        assertEquals(sent, pump.server.getSession().getPeerCertificates()[0]);
        assertTrue(sent.equals(TestTls.x509(CLIENT_ONE)) || sent.equals(TestTls.x509(CLIENT_TWO)), sent.toString());
    }

    @Test
    void noCertificateRequestNoQuestion() throws Exception {
        RecordingKeyManager keys = new RecordingKeyManager();
        SSLContext clientContext = TestTls.context(TestTls.JTLS, "TLS", new KeyManager[] {keys},
                TestTls.trustManagers(TestTls.ROOT));
        SSLEngine client = clientContext.createSSLEngine("localhost", 4433);
        client.setUseClientMode(true);
        SSLEngine server = TestTls.server(TestTls.JTLS).createSSLEngine();
        server.setUseClientMode(false);
        EnginePump pump = new EnginePump(client, server);
        pump.handshake();
        assertEquals(List.of(), keys.requests, "the key manager is asked only when the server asks");
        assertNull(client.getSession().getLocalCertificates());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void opensslServerNamingTheSecondCa(String protocol) throws Exception {
        Path dir = Files.createTempDirectory("jtls-jsse-ca-names");
        Path cert = Files.writeString(dir.resolve("server.pem"), TestTls.SERVER.certificatePem());
        Path key = Files.writeString(dir.resolve("server.key"), TestTls.SERVER.privateKeyPem());
        Path ca = Files.writeString(dir.resolve("ca2.pem"), CA_TWO.certificatePem());
        Process sServer = new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:0", "-naccept", "1", "-www",
                "-cert", cert.toString(), "-key", key.toString(), "-Verify", "1", "-CAfile", ca.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(sServer.getInputStream(), StandardCharsets.UTF_8))) {
            int port = acceptPort(out);
            RecordingKeyManager keys = new RecordingKeyManager();
            SSLContext clientContext = TestTls.context(TestTls.JTLS, "TLS", new KeyManager[] {keys},
                    TestTls.trustManagers(TestTls.ROOT));
            try (SSLSocket socket = (SSLSocket) clientContext.getSocketFactory().createSocket("localhost", port)) {
                SSLParameters params = socket.getSSLParameters();
                params.setProtocols(new String[] {protocol});
                socket.setSSLParameters(params);
                socket.startHandshake();
                assertEquals(TestTls.x509(CLIENT_TWO), socket.getSession().getLocalCertificates()[0]);
                socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                String page = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                // s_server's status page shows the client certificate it verified against CA #2.
                assertTrue(page.contains("Client certificate") && page.contains("client of CA two"), page);
            }
            assertEquals(1, keys.requests.size(), keys.requests.toString());
            assertEquals(List.of(principal(CA_TWO)), keys.requests.get(0).issuers());
        } finally {
            sServer.destroy();
            sServer.waitFor(10, TimeUnit.SECONDS);
            for (Path p : List.of(cert, key, ca)) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        }
    }

    static Stream<String> protocols() {
        return Stream.of("TLSv1.3", "TLSv1.2");
    }

    /** s_server's "ACCEPT 127.0.0.1:PORT" line. */
    private static int acceptPort(BufferedReader out) throws Exception {
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("ACCEPT ")) {
                return Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim());
            }
        }
        throw new IllegalStateException("openssl s_server did not start");
    }

    private static EnginePump pump(Provider clientProvider, RecordingKeyManager keys, SSLContext serverContext,
                                   String protocol) {
        SSLContext clientContext = TestTls.context(clientProvider, "TLS", new KeyManager[] {keys},
                TestTls.trustManagers(TestTls.ROOT));
        SSLEngine client = clientContext.createSSLEngine("localhost", 4433);
        client.setUseClientMode(true);
        SSLParameters params = client.getSSLParameters();
        params.setProtocols(new String[] {protocol});
        client.setSSLParameters(params);
        SSLEngine server = serverContext.createSSLEngine();
        server.setUseClientMode(false);
        server.setNeedClientAuth(true);
        return new EnginePump(client, server);
    }

    private static X500Principal principal(HeldCertificate ca) {
        return TestTls.x509(ca).getSubjectX500Principal();
    }

    /** What the key manager was asked with; {@code issuers} null when JSSE passed null. */
    record Request(List<String> keyTypes, List<Principal> issuers) {}

    /** The JDK's PKIX key manager over both client certificates, recording each client question. */
    static final class RecordingKeyManager extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager delegate =
                (X509ExtendedKeyManager) TestTls.keyManagers(CLIENT_ONE, CLIENT_TWO)[0];
        final List<Request> requests = new ArrayList<>();

        private void record(String[] keyTypes, Principal[] issuers) {
            requests.add(new Request(List.of(keyTypes), issuers == null ? null : List.of(issuers)));
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            record(keyType, issuers);
            return delegate.chooseEngineClientAlias(keyType, issuers, engine);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            record(keyType, issuers);
            return delegate.chooseClientAlias(keyType, issuers, socket);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return delegate.getClientAliases(keyType, issuers);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return delegate.getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return delegate.chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return delegate.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return delegate.getPrivateKey(alias);
        }
    }

    /** A server's trust manager that names no CA (so the CertificateRequest names none) and accepts any client. */
    static final class NamelessTrust implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            assertTrue(chain.length > 0);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("a server's");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
