package io.jtls.redis;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * A real {@code redis-server} for one test class: started on a free loopback port without
 * persistence, ready once it answers {@code PING}, killed by {@link #close()}. Fails (never
 * skips) when redis-server is missing: CI installs it (scripts/install-test-deps.sh).
 */
final class RedisServer implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private RedisServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static RedisServer start() throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // another process may take the port first
            int port = freePort();
            Path log = Files.createTempFile("jtls-redis-" + port + "-", ".log");
            Process process;
            try {
                process = new ProcessBuilder(List.of("redis-server", "--port", String.valueOf(port),
                        "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no",
                        "--dir", System.getProperty("java.io.tmpdir")))
                        .redirectErrorStream(true).redirectOutput(log.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .start();
            } catch (IOException e) {
                throw new IOException("redis-server is needed by the jtls-redis tests and was not found on the PATH;"
                        + " install it with scripts/install-test-deps.sh (apt-get install redis-server)", e);
            }
            RedisServer server = new RedisServer(process, port, log);
            if (server.awaitPing(Duration.ofSeconds(10))) {
                return server;
            }
            String output = Files.readString(log);
            server.close();
            last = new IOException("redis-server on port " + port + " did not answer PING:\n" + output);
        }
        throw last;
    }

    int port() {
        return port;
    }

    /** A client with short timeouts, so that a stopped server fails calls quickly. */
    RedisClient client() {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxWait(Duration.ofMillis(500));
        return RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", port))
                .clientConfig(DefaultJedisClientConfig.builder()
                        .connectionTimeoutMillis(200).socketTimeoutMillis(500).build())
                .poolConfig(pool)
                .build();
    }

    boolean isRunning() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: redis-server exits at once without persistence
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temp file left behind is harmless
        }
    }

    private boolean awaitPing(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                socket.setSoTimeout(1000);
                socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] reply = new byte[7];
                int n = socket.getInputStream().readNBytes(reply, 0, reply.length);
                if (new String(reply, 0, n, StandardCharsets.US_ASCII).equals("+PONG\r\n")) {
                    return true;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(10);
        }
        return false;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
