package io.jtls.moduletest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.pki.HeldCertificate;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.Provider;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The jtls JSSE provider on the module path: found by {@code ServiceLoader} from a module that
 * does not require it, its {@code SSLContext} runs a real handshake (jtls socket to jtls socket)
 * with native access granted to io.jtls alone and denied to every other module, io.jtls.jsse included.
 */
@Timeout(60)
class JsseProviderOnModulePathTest {
    private static final HeldCertificate ROOT = HeldCertificate.builder().commonName("JSSE Module Root")
            .certificateAuthority(0).build();
    private static final HeldCertificate SERVER = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltName("localhost").addSubjectAltName("127.0.0.1").signedBy(ROOT).build();

    @Test
    void serviceLoaderFindsTheProviderInItsNamedModule() {
        Provider jtls = jtlsProvider();
        assertEquals("io.jtls.jsse", jtls.getClass().getModule().getName());
        assertTrue(jtls.getClass().getModule().getDescriptor().provides().stream()
                .anyMatch(p -> p.service().equals(Provider.class.getName())));
        for (String protocol : List.of("TLS", "TLSv1.2", "TLSv1.3", "Default")) {
            assertTrue(jtls.getService("SSLContext", protocol) != null, protocol);
        }
    }

    @Test
    void aJtlsContextFromServiceLoaderHandshakesAndEchoes() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS", jtlsProvider());
        context.init(keyManagers(), trustManagers(), null);
        assertEquals("jtls", context.getProvider().getName());
        try (SSLServerSocket listener = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0)) {
            CompletableFuture<String> served = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    String line = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                            StandardCharsets.UTF_8)).readLine();
                    socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    socket.getOutputStream().flush();
                    return line;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (SSLSocket client = (SSLSocket) context.getSocketFactory()
                    .createSocket("localhost", listener.getLocalPort())) {
                var parameters = client.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                client.setSSLParameters(parameters);
                client.startHandshake();
                assertEquals("TLSv1.3", client.getSession().getProtocol());
                OutputStream out = client.getOutputStream();
                out.write("hello from a module\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                assertEquals("hello from a module", new BufferedReader(new InputStreamReader(client.getInputStream(),
                        StandardCharsets.UTF_8)).readLine());
            }
            assertEquals("hello from a module", served.get(30, TimeUnit.SECONDS));
        }
    }

    /** The provider named "jtls" among those ServiceLoader finds (the JDK's own are not services). */
    private static Provider jtlsProvider() {
        return ServiceLoader.load(Provider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.getName().equals("jtls")).findFirst()
                .orElseThrow(() -> new AssertionError("ServiceLoader found no jtls provider"));
    }

    private static javax.net.ssl.KeyManager[] keyManagers() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(new ByteArrayInputStream(SERVER.pkcs12("pw")), "pw".toCharArray());
        KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
        factory.init(store, "pw".toCharArray());
        return factory.getKeyManagers();
    }

    private static javax.net.ssl.TrustManager[] trustManagers() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("root", CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(ROOT.certificateDer())));
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(store);
        return factory.getTrustManagers();
    }
}
