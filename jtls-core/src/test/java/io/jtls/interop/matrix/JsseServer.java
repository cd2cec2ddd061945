package io.jtls.interop.matrix;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import java.util.List;
import java.util.stream.Collectors;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * JSSE's SSLServerSocket as a matrix server for the jtls client: one TLS version, the SNI
 * certificate and a matcher accepting only its name, a required client certificate, ALPN {@code jtls-interop}. Each line read is answered
 * with {@code jsse-view ... client=<CN> reused=...}; one thread per connection.
 */
final class JsseServer implements AutoCloseable {
    private final SSLServerSocket listener;
    private final StringBuffer log = new StringBuffer();

    JsseServer(String version, MatrixCerts c) {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
            // the SNI certificate alone, with a matcher that refuses other names: the PKIX key
            // manager does not reliably prefer the SNI-matching one of two ECDSA certificates
            kmf.init(MatrixCerts.keyStore(c.sni), MatrixCerts.PASSWORD.toCharArray());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(c.trustStore());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            listener = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 16,
                    InetAddress.getLoopbackAddress());
            SSLParameters p = listener.getSSLParameters();
            p.setProtocols(new String[] {version});
            p.setNeedClientAuth(true);
            p.setApplicationProtocols(new String[] {MatrixServer.ALPN});
            p.setSNIMatchers(List.of(SNIHostName.createSNIMatcher(MatrixCerts.SNI_NAME)));
            listener.setSSLParameters(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        Thread.ofVirtual().name("jsse-matrix-accept").start(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    String log() {
        return log.toString();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                SSLSocket s = (SSLSocket) listener.accept();
                Thread.ofVirtual().name("jsse-matrix-conn").start(() -> serve(s));
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                log.append("accept: ").append(e).append('\n');
            }
        }
    }

    private void serve(SSLSocket s) {
        try (s) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                ExtendedSSLSession session = (ExtendedSSLSession) s.getSession();
                String sni = session.getRequestedServerNames().stream()
                        .filter(n -> n instanceof SNIHostName).map(n -> ((SNIHostName) n).getAsciiName())
                        .collect(Collectors.joining(","));
                String cn = "-";
                var peer = session.getPeerCertificates();
                if (peer.length > 0) {
                    cn = ((java.security.cert.X509Certificate) peer[0]).getSubjectX500Principal().getName()
                            .replaceAll("^.*CN=([^,]*).*$", "$1").replace(' ', '_');
                }
                s.getOutputStream().write(("jsse-view protocol=" + session.getProtocol() + " alpn="
                        + s.getApplicationProtocol() + " servername=" + sni + " client=" + cn + " \n")
                        .getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            log.append("connection: ").append(e).append('\n');
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            log.append("close: ").append(e).append('\n');
        }
    }

}
