package io.jtls;

import static io.jtls.TlsTesting.await;
import static io.jtls.TlsTesting.closing;
import static io.jtls.TlsTesting.listen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.pki.HeldCertificate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CertificateReloader} against real handshakes: files rewritten in place (certbot,
 * acme.sh) and a Kubernetes-style symlink swap are served to new connections while an open
 * connection goes on; broken files (garbage, a key without its certificate yet) leave the old
 * certificate serving and are reported; polling alone finds a change.
 */
class CertificateReloaderTest {
    private static final HeldCertificate V1 = leaf("v1");
    private static final HeldCertificate V2 = leaf("v2");
    private static final HeldCertificate V3 = leaf("v3");

    @TempDir
    Path dir;

    private static HeldCertificate leaf(String organization) {
        return HeldCertificate.builder().commonName("localhost").addSubjectAltName("localhost")
                .addSubjectAltName("127.0.0.1").organization(organization).ec("prime256v1")
                .signedBy(TlsTesting.ROOT).build();
    }

    /** What the listener heard, in order: "reloaded" or "failed:CODE". */
    private static final class Heard implements CertificateReloader.Listener {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();

        @Override
        public void reloaded(SecureContext context) {
            events.add("reloaded");
        }

        @Override
        public void failed(Throwable error) {
            events.add("failed:" + TlsTesting.code(error));
        }

        String next() throws InterruptedException {
            String e = events.poll(30, TimeUnit.SECONDS);
            assertTrue(e != null, "no reload event within 30 s");
            return e;
        }

        /** Skips failures seen while a writer was half-way (key written, certificate not yet). */
        void awaitReloaded() throws InterruptedException {
            String e;
            while (!(e = next()).equals("reloaded")) {
                assertTrue(e.startsWith("failed:"), e);
            }
        }
    }

    private static void write(Path file, String text) throws Exception {
        Files.writeString(file, text, StandardCharsets.US_ASCII); // truncates and rewrites in place
    }

    /** The organization of the certificate a new connection gets. */
    private static String served(int port) {
        TlsTesting.Client client = TlsTesting.connect(TlsTesting.clientTo(port).build());
        await(client.secure());
        try {
            return client.socket().getPeerCertificate().subject().get("O");
        } finally {
            client.socket().destroy();
        }
    }

    /** Sends a line over an open connection and waits for the echo: its data still flows. */
    private static void roundTrip(TlsTesting.Client client, String line) {
        int before = client.events().data().length();
        client.socket().write(line);
        TlsTesting.eventually("the echo of " + line, () -> client.events().data().length() >= before + line.length());
        assertTrue(client.events().data().endsWith(line), client.events().data());
    }

    @Test
    void inPlaceRewriteServesNewConnectionsWhileAnOpenOneContinues() throws Exception {
        Path cert = dir.resolve("fullchain.pem");
        Path key = dir.resolve("privkey.pem");
        write(cert, V1.certificatePem());
        write(key, V1.privateKeyPem());
        TlsServer server = Tls.createServer(TlsServerOptions.builder().cert(cert).key(key).build(), TlsTesting.echo());
        Heard heard = new Heard();
        try (var ignored = closing(server);
             CertificateReloader reloader = CertificateReloader.builder(server, cert, key)
                     .settle(Duration.ofMillis(200)).listener(heard).start()) {
            int port = listen(server);
            TlsTesting.Client open = TlsTesting.connect(TlsTesting.clientTo(port).build());
            await(open.secure());
            roundTrip(open, "before;");

            write(key, V2.privateKeyPem());
            write(cert, V2.certificatePem());
            heard.awaitReloaded();

            assertEquals("v2", served(port));
            roundTrip(open, "after;");
            assertEquals("v1", open.socket().getPeerCertificate().subject().get("O"));
            assertEquals(1, reloader.reloads());
            open.socket().destroy();
            await(open.events().closed);
        }
    }

    @Test
    void kubernetesSymlinkSwapIsSeen() throws Exception {
        // The layout of a mounted Secret: tls.crt -> ..data/tls.crt, ..data -> ..<timestamp>/.
        Path first = Files.createDirectory(dir.resolve("..2026_12_05_01"));
        write(first.resolve("tls.crt"), V1.certificatePem());
        write(first.resolve("tls.key"), V1.privateKeyPem());
        Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
        Path cert = Files.createSymbolicLink(dir.resolve("tls.crt"), Path.of("..data/tls.crt"));
        Path key = Files.createSymbolicLink(dir.resolve("tls.key"), Path.of("..data/tls.key"));
        TlsServer server = Tls.createServer(TlsServerOptions.builder().cert(cert).key(key).build(), TlsTesting.echo());
        Heard heard = new Heard();
        try (var ignored = closing(server);
             CertificateReloader reloader = CertificateReloader.builder(server, cert, key)
                     .settle(Duration.ofMillis(200)).listener(heard).start()) {
            int port = listen(server);
            TlsTesting.Client open = TlsTesting.connect(TlsTesting.clientTo(port).build());
            await(open.secure());
            assertEquals("v1", open.socket().getPeerCertificate().subject().get("O"));

            // The kubelet's atomic writer: a new directory, a new link, renamed over ..data, old dir removed.
            Path second = Files.createDirectory(dir.resolve("..2026_12_05_02"));
            write(second.resolve("tls.crt"), V2.certificatePem());
            write(second.resolve("tls.key"), V2.privateKeyPem());
            Files.createSymbolicLink(dir.resolve("..data_tmp"), second.getFileName());
            Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
            Files.delete(first.resolve("tls.crt"));
            Files.delete(first.resolve("tls.key"));
            Files.delete(first);
            heard.awaitReloaded();

            assertEquals("v2", served(port));
            roundTrip(open, "still here;");
            assertEquals(1, reloader.reloads());
            open.socket().destroy();
            await(open.events().closed);
        }
    }

    @Test
    void brokenFilesKeepTheOldCertificateServingAndAreReported() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        write(cert, V1.certificatePem());
        write(key, V1.privateKeyPem());
        TlsServer server = Tls.createServer(TlsServerOptions.builder().cert(cert).key(key).build(), TlsTesting.echo());
        Heard heard = new Heard();
        try (var ignored = closing(server);
             CertificateReloader reloader = CertificateReloader.builder(server, cert, key)
                     .settle(Duration.ofMillis(200)).listener(heard).start()) {
            int port = listen(server);

            write(cert, "not a certificate\n");
            assertEquals("failed:ERR_OSSL_PEM_NO_START_LINE", heard.next());
            assertEquals("v1", served(port));

            // A writer that has replaced the key but not the certificate yet: a mismatch, not served.
            write(cert, V1.certificatePem());
            write(key, V2.privateKeyPem());
            assertEquals("failed:ERR_OSSL_X509_KEY_VALUES_MISMATCH", heard.next());
            assertEquals("v1", served(port));

            write(cert, V2.certificatePem());
            assertEquals("reloaded", heard.next());
            assertEquals("v2", served(port));
            assertEquals(2, reloader.failures());
        }
    }

    @Test
    void pollingAloneFindsAChange() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        write(cert, V1.certificatePem());
        write(key, V1.privateKeyPem());
        TlsServer server = Tls.createServer(TlsServerOptions.builder().cert(cert).key(key).build(), TlsTesting.echo());
        Heard heard = new Heard();
        try (var ignored = closing(server);
             CertificateReloader reloader = CertificateReloader.builder(server, cert, key).watch(false)
                     .pollInterval(Duration.ofMillis(100)).listener(heard).start()) {
            int port = listen(server);
            // Both files replaced by renames, so that a poll never reads a half-written pair... almost:
            // it may read the new key with the old certificate, a failure the next poll fixes.
            Path tmp = dir.resolve("tmp");
            write(tmp, V3.privateKeyPem());
            Files.move(tmp, key, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            write(tmp, V3.certificatePem());
            Files.move(tmp, cert, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            heard.awaitReloaded();
            assertEquals("v3", served(port));
            assertEquals(1, reloader.reloads());
        }
    }

    @Test
    void filesThatDifferFromTheServersContextAreLoadedAtStart() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        write(cert, V2.certificatePem());
        write(key, V2.privateKeyPem());
        TlsServer server = Tls.createServer(TlsTesting.serverWith(V1).build(), TlsTesting.echo());
        Heard heard = new Heard();
        boolean[] closed = {false};
        try (var ignored = (TlsTesting.Closing) () -> {
                 if (!closed[0]) {
                     TlsTesting.close(server);
                 }
             };
             CertificateReloader reloader = CertificateReloader.builder(server, cert, key).listener(heard).start()) {
            int port = listen(server);
            assertEquals("reloaded", heard.next());
            assertEquals("v2", served(port));
            assertTrue(!reloader.reloadNow(), "unchanged files are not reloaded again");

            // A closed server is left alone: no context is made for it.
            TlsTesting.close(server);
            closed[0] = true;
            // The server lets its context go on its loop just after 'close'.
            TlsTesting.eventually("the closed server's context released", () -> server.secureContext() == null);
            write(cert, V3.certificatePem());
            write(key, V3.privateKeyPem());
            assertTrue(!reloader.reloadNow(), "a closed server gets no new context");
            assertTrue(server.secureContext() == null);
            assertEquals(1, reloader.reloads());
        }
    }
}
