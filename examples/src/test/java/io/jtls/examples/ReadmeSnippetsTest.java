package io.jtls.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.Tls;
import io.jtls.TlsConnectOptions;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.TlsSocket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java compiles: every {@code ```java} block of README.md is, character for
 * character, a region between {@code // README begin} and {@code // README end} of a source file
 * of this module (compiled with it), and every such region is in the README.
 */
@Timeout(60)
class ReadmeSnippetsTest {
    private static final Path README = Path.of("..", "README.md");
    private static final Path SOURCES = Path.of("src", "main", "java");

    private static List<String> readmeBlocks() throws IOException {
        Matcher m = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(README));
        List<String> blocks = new ArrayList<>();
        while (m.find()) blocks.add(m.group(1).stripTrailing());
        return blocks;
    }

    /** Every marked region of the module's sources, without the indentation it has in the file. */
    private static List<String> regions() throws IOException {
        List<String> regions = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                List<String> region = null;
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String t = line.strip();
                    if (t.startsWith("// README begin")) {
                        region = new ArrayList<>();
                    } else if (t.equals("// README end") && region != null) {
                        regions.add(String.join("\n", region).stripIndent().stripTrailing());
                        region = null;
                    } else if (region != null) {
                        region.add(line);
                    }
                }
            }
        }
        return regions;
    }

    @Test
    void everyJavaBlockOfTheReadmeIsACompiledRegionAndBack() throws IOException {
        List<String> blocks = readmeBlocks();
        List<String> regions = regions();
        assertFalse(blocks.isEmpty(), "the README has Java blocks");
        for (String block : blocks) {
            assertTrue(regions.contains(block), "README block not in examples/ (or differs):\n" + block
                    + "\n--- regions:\n" + String.join("\n---\n", regions));
        }
        for (String region : regions) {
            assertTrue(blocks.contains(region), "examples/ region missing from the README:\n" + region);
        }
    }

    @Test
    void theSessionSnippetResumes(@TempDir Path dir) throws Exception {
        ExampleFiles.ensure(dir);
        TlsServer server = Tls.createServer(TlsServerOptions.builder()
                .key(dir.resolve(ExampleFiles.SERVER_KEY)).cert(dir.resolve(ExampleFiles.SERVER_CERT)).build(),
                socket -> socket.resume());
        ReadmeSessions.server(server);
        try {
            int port = server.listenAsync(0, "127.0.0.1").get(30, TimeUnit.SECONDS).port();
            TlsConnectOptions opts = TlsConnectOptions.builder().port(port).host("127.0.0.1")
                    .checkServerIdentity((hostname, cert) -> null) // the example certificate names example.test
                    .ca(dir.resolve(ExampleFiles.SERVER_CERT)).build();
            try (TlsSocket again = ReadmeSessions.client(opts).get(30, TimeUnit.SECONDS)) {
                assertTrue(again.isSessionReused(), "the saved session was resumed");
            }
        } finally {
            CompletableFuture<Void> closed = server.close(java.time.Duration.ofSeconds(5));
            closed.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void theQuickStartBlockIsTheOneInReadmeQuickStart() throws IOException {
        assertEquals(readmeBlocks().getFirst(), regions().stream()
                .filter(r -> r.contains("welcome!")).findFirst().orElseThrow());
    }
}
