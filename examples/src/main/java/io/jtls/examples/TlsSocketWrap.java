package io.jtls.examples;

import io.jtls.TlsSocket;
import io.jtls.TlsSocketOptions;
import io.jtls.net.Duplex;
import io.jtls.net.Net;
import io.jtls.net.Server;
import io.jtls.net.Socket;
import io.jtls.pki.HeldCertificate;
import io.jtls.x509.Certificate;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Node's {@code new tls.TLSSocket(socket, options)}: TLS started by hand on sockets that
 * already exist, on both sides, instead of {@code tls.createServer}/{@code tls.connect}.
 *
 * <pre>{@code
 * net.createServer((raw) => {
 *   const tlsSocket = new tls.TLSSocket(raw, { isServer: true, key, cert });
 *   tlsSocket.on('data', (d) => tlsSocket.end('you said: ' + d));
 * }).listen(0, () => {
 *   const raw = net.connect(port, 'localhost', () => {
 *     const client = new tls.TLSSocket(raw, { ca });
 *     client.on('secure', () => client.write('hi'));
 *     client.on('data', (d) => console.log(d.toString()));
 *   });
 * });
 * }</pre>
 *
 * Unlike {@code tls.connect}, a {@code TLSSocket} made this way applies neither
 * {@code rejectUnauthorized} nor the host name check when the handshake completes: the
 * application decides from the peer's certificate ({@code getPeerCertificate()}) itself.
 */
public final class TlsSocketWrap {
    private TlsSocketWrap() {}

    public static void main(String[] args) throws Exception {
        run(System.out).get(20, TimeUnit.SECONDS);
    }

    /** Runs the exchange once; completes with the reply the client received. */
    public static CompletableFuture<String> run(PrintStream console) {
        HeldCertificate ca = HeldCertificate.builder().commonName("wrap example CA").certificateAuthority(0).build();
        HeldCertificate serverCert = HeldCertificate.builder().commonName("localhost")
                .addSubjectAltName("localhost").signedBy(ca).build();
        CompletableFuture<String> reply = new CompletableFuture<>();

        Server server = Net.createServer(raw -> {
            TlsSocket tlsSocket = new TlsSocket(raw, TlsSocketOptions.builder().isServer(true)
                    .key(serverCert.privateKeyPem()).cert(serverCert.certificatePem()).build());
            tlsSocket.on(Duplex.ERROR, error -> console.println("server: " + error));
            tlsSocket.on(TlsSocket.SECURE, () -> console.println("server: secure, " + tlsSocket.getProtocol()));
            tlsSocket.on(Duplex.DATA, data -> tlsSocket.end("you said: " + StandardCharsets.UTF_8.decode(data)));
        });
        server.on(Server.ERROR, reply::completeExceptionally);
        server.listen(0, "127.0.0.1", () -> {
            int port = server.address().port();
            Socket raw = Net.connect(port, "127.0.0.1");
            TlsSocket client = new TlsSocket(raw, TlsSocketOptions.builder().ca(ca.certificatePem()).build());
            StringBuilder received = new StringBuilder();
            client.on(TlsSocket.SECURE, () -> {
                Certificate peer = client.getPeerCertificate();
                console.println("client: secure, " + client.getProtocol()
                        + ", server certificate CN=" + peer.subject().get("CN") + " issued by " + peer.issuer().get("CN"));
                client.write("hi");
            });
            client.on(Duplex.DATA, data -> received.append(StandardCharsets.UTF_8.decode(data)));
            client.on(Duplex.END, () -> console.println("client: received \"" + received + "\""));
            client.on(Duplex.ERROR, reply::completeExceptionally);
            client.on(Duplex.CLOSE, hadError -> {
                server.close();
                reply.complete(received.toString());
            });
        });
        return reply;
    }
}
