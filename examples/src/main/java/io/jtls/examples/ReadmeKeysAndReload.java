package io.jtls.examples;

import io.jtls.CertificateReloader;
import io.jtls.SecureContext;
import io.jtls.Tls;
import io.jtls.TlsConnectOptions;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.TlsSocket;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyStore;

/**
 * The README's blocks on Java key material and certificate reload, compiled
 * ({@code ReadmeSnippetsTest} checks the README holds the regions between the markers).
 */
public final class ReadmeKeysAndReload {
    private ReadmeKeysAndReload() {}

    /** A server from a keystore file and a client trusting a trust store; returns the client. */
    static TlsSocket keyStores(char[] password, KeyStore trustStore, int port) {
        // README begin keystore
        // Server: the identity from a PKCS#12 or JKS keystore (keytool -genkeypair ...).
        TlsServer server = Tls.createServer(TlsServerOptions.builder()
                .keyStore(Path.of("server.p12"), password, "server") // alias null: the only key entry
                .build(), socket -> socket.end("hello\n"));
        server.listen(port);
        // Client: trust the certificate entries of a Java trust store.
        TlsSocket client = Tls.connect(TlsConnectOptions.builder().host("localhost").port(port)
                .ca(trustStore).build(), null);
        // README end
        return client;
    }

    /** Reloads {@code server}'s certificate when the files change; returns the running reloader. */
    static CertificateReloader reload(TlsServer server) throws IOException {
        // README begin reload
        // The files the server was started from; cert-manager or certbot replaces them.
        Path cert = Path.of("/etc/tls/tls.crt");
        Path key = Path.of("/etc/tls/tls.key");
        CertificateReloader reloader = CertificateReloader.builder(server, cert, key)
                .listener(new CertificateReloader.Listener() {
                    @Override
                    public void failed(Throwable error) {
                        System.err.println("still serving the old certificate: " + error.getMessage());
                    }

                    @Override
                    public void reloaded(SecureContext context) {
                        System.out.println("new connections get the new certificate");
                    }
                })
                .start();
        // ... reloader.close() when the server closes.
        // README end
        return reloader;
    }
}
