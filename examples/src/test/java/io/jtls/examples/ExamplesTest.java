package io.jtls.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.TlsServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs every socket example to completion and checks what it printed, so that none of them can rot. */
@Timeout(60)
class ExamplesTest {
    /** A PrintStream whose text can be read back; println from any thread. */
    private static final class Console {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        String text() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }
    }

    @Test
    void echoServerAndEchoClientFromNodesDocument(@TempDir Path dir) throws Exception {
        ExampleFiles.ensure(dir);
        Console serverConsole = new Console();
        Console clientConsole = new Console();
        TlsServer server = EchoServer.start(0, dir, serverConsole.out);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!server.listening() && System.nanoTime() < deadline) Thread.sleep(10);
            int port = server.address().port();

            byte[] typed = "hello\nworld\n".getBytes(StandardCharsets.UTF_8);
            EchoClient.run(port, dir, new ByteArrayInputStream(typed), clientConsole.out).get(30, TimeUnit.SECONDS);

            // console.log(data) adds a newline to each chunk, and TCP may chunk differently: compare the non-empty lines.
            List<String> client = clientConsole.text().lines().filter(line -> !line.isEmpty()).toList();
            assertEquals(List.of("client connected authorized", "welcome!", "hello", "world", "server ends connection"),
                    client);
            assertEquals(List.of("server bound", "server connected authorized"), serverConsole.text().lines().toList());
        } finally {
            CompletableFuture<Void> closed = new CompletableFuture<>();
            server.close(error -> closed.complete(null));
            closed.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theEchoClientIsRefusedWithoutTheServersCertificate(@TempDir Path dir, @TempDir Path otherDir) throws Exception {
        ExampleFiles.ensure(dir);
        ExampleFiles.ensure(otherDir); // another self-signed server certificate: not the one the server uses
        Console serverConsole = new Console();
        TlsServer server = EchoServer.start(0, dir, serverConsole.out);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!server.listening() && System.nanoTime() < deadline) Thread.sleep(10);
            Console clientConsole = new Console();
            CompletableFuture<Void> run = EchoClient.run(server.address().port(), otherDir,
                    new ByteArrayInputStream(new byte[0]), clientConsole.out);
            Throwable failure = run.handle((ok, error) -> error).get(30, TimeUnit.SECONDS);
            assertTrue(failure instanceof io.jtls.error.TlsException, String.valueOf(failure));
            assertEquals("DEPTH_ZERO_SELF_SIGNED_CERT", ((io.jtls.error.TlsException) failure).code());
            assertEquals("", clientConsole.text());
        } finally {
            CompletableFuture<Void> closed = new CompletableFuture<>();
            server.close(error -> closed.complete(null));
            closed.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void tlsSocketsMadeByHandOnExistingSockets() throws Exception {
        Console console = new Console();
        assertEquals("you said: hi", TlsSocketWrap.run(console.out).get(30, TimeUnit.SECONDS));
        String text = console.text();
        assertTrue(text.contains("client: secure, TLSv1.3, server certificate CN=localhost issued by wrap example CA"), text);
        assertTrue(text.contains("server: secure, TLSv1.3"), text);
    }

    @Test
    void loopbackDemo() throws Exception {
        Console console = new Console();
        LoopbackDemo.run(console.out);
        String text = console.text();
        List<String> expected = List.of(
                "[client] secure: TLSv1.3 TLS_AES_256_GCM_SHA384, ALPN http/1.1, authorized true, server CN=alpha.test issued by CN=jtls demo CA",
                "[server] secure connection: TLSv1.3 TLS_AES_256_GCM_SHA384, ALPN http/1.1, servername alpha.test, authorized true, client O=jtls, CN=demo client",
                "[client] received \"hello from alpha.test\"",
                "[client] secure: TLSv1.3 TLS_AES_256_GCM_SHA384, ALPN h2, authorized true, server CN=beta.test issued by CN=jtls demo CA",
                "[server] secure connection: TLSv1.3 TLS_AES_256_GCM_SHA384, ALPN h2, servername beta.test, authorized true, client O=jtls, CN=demo client",
                "[client] received \"hello from beta.test\"",
                "[client] error: ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED",
                "[server] refused a client: ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE",
                "done");
        for (String line : expected) {
            assertTrue(text.contains(line), "missing: " + line + "\n" + text);
        }
    }
}
