package io.jtls.redis;

import io.jtls.Tls;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.TlsSocket;
import io.jtls.context.Constants;
import io.jtls.net.EventEmitter;
import io.jtls.session.TicketKeyRing;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * One jtls server process of a cluster, started by the cross-process resumption tests as a
 * child JVM: the same command line in every process, as Node's cluster workers, so that the
 * default {@code sessionIdContext} (a hash of the command line) agrees too.
 *
 * <pre>
 * ResumptionServerMain PORT CERT_PEM KEY_PEM MAX_VERSION MODE [MODE ...]
 * </pre>
 * One echo server per {@code MODE}, each on {@code PORT} (0: any free port) on 127.0.0.1,
 * printing {@code listening PORT} once it accepts, in the order of the modes:
 * <ul>
 *   <li>{@code ticketKeys:<96 hex digits>}: Node's {@code ticketKeys} option (48 bytes);</li>
 *   <li>{@code ownKeys}: no {@code ticketKeys}, so the process's own random keys;</li>
 *   <li>{@code redisStore:<redis port>}: {@code SSL_OP_NO_TICKET} and a {@link RedisSessionStore}
 *       (TLS 1.2 session ids, TLS 1.3 stateful tickets);</li>
 *   <li>{@code redisRing:<redis port>}: tickets sealed by a {@link TicketKeyRing} kept in step
 *       through a {@link RedisTicketKeyRing} (rotation 1 h, keys open tickets for 2 h). It syncs
 *       only when told to (stdin below), so that the test decides when each process looks; its
 *       clock is the system clock plus an offset the test moves. At most one per process.</li>
 * </ul>
 * Every connection first receives one line, {@code reused=<isSessionReused()> <protocol>}
 * (the server's view), then its own bytes back.
 *
 * <p>Commands on stdin, one per line, each answered by one line on stdout:
 * {@code sync} ({@code synced <SyncResult> <current key name hex>}), {@code rotate}
 * ({@code rotated <generation> <current key name hex>}), {@code advance <ISO-8601 duration>}
 * ({@code advanced <offset>}). End of stdin ends the process, so that it never outlives a
 * test JVM that died.
 */
public final class ResumptionServerMain {
    /** The ring's policy in {@code redisRing} mode. */
    static final Duration ROTATION_INTERVAL = Duration.ofHours(1);
    static final Duration DECRYPT_LIFETIME = Duration.ofHours(2);

    private ResumptionServerMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: ResumptionServerMain PORT CERT_PEM KEY_PEM MAX_VERSION MODE [MODE ...]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        byte[] cert = Files.readAllBytes(Path.of(args[1]));
        byte[] key = Files.readAllBytes(Path.of(args[2]));
        String maxVersion = args[3];

        OffsetClock clock = new OffsetClock();
        RedisTicketKeyRing sharedRing = null;
        List<AutoCloseable> resources = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        for (int i = 4; i < args.length; i++) {
            String mode = args[i];
            String value = mode.substring(mode.indexOf(':') + 1);
            TlsServerOptions.Builder options = TlsServerOptions.builder().cert(cert).key(key).maxVersion(maxVersion);
            switch (mode.substring(0, mode.indexOf(':') < 0 ? mode.length() : mode.indexOf(':'))) {
                case "ticketKeys" -> options.ticketKeys(HexFormat.of().parseHex(value));
                case "ownKeys" -> { }
                case "redisStore" -> {
                    RedisClient redis = redis(Integer.parseInt(value));
                    RedisSessionStore store = RedisSessionStore.create(redis);
                    resources.add(store);
                    resources.add(redis);
                    options.secureOptions(Constants.SSL_OP_NO_TICKET).sessionStore(store);
                }
                case "redisRing" -> {
                    if (sharedRing != null) {
                        throw new IllegalArgumentException("one redisRing per process");
                    }
                    RedisClient redis = redis(Integer.parseInt(value));
                    TicketKeyRing ring = TicketKeyRing.builder().clock(clock)
                            .rotationInterval(ROTATION_INTERVAL).decryptLifetime(DECRYPT_LIFETIME).build();
                    sharedRing = RedisTicketKeyRing.builder(redis, ring).build();
                    resources.add(sharedRing);
                    resources.add(redis);
                    options.ticketKeyRing(ring);
                }
                default -> throw new IllegalArgumentException("unknown mode " + mode);
            }
            ports.add(listen(options.build(), port));
        }
        for (int p : ports) {
            System.out.println("listening " + p);
        }
        System.out.flush();

        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = commands.readLine()) != null; ) {
            System.out.println(answer(line.trim(), sharedRing, clock));
            System.out.flush();
        }
        for (AutoCloseable resource : resources) {
            resource.close();
        }
        System.exit(0); // the servers' loops
    }

    private static String answer(String command, RedisTicketKeyRing shared, OffsetClock clock) {
        try {
            String[] words = command.split(" ");
            return switch (words[0]) {
                case "sync" -> "synced " + ring(shared).sync() + " " + shared.ring().current().nameHex();
                case "rotate" -> {
                    TicketKeyRing.Snapshot published = ring(shared).rotateNow();
                    yield "rotated " + published.generation() + " " + published.current().nameHex();
                }
                case "advance" -> "advanced " + clock.advance(Duration.parse(words[1]));
                default -> "error unknown command " + command;
            };
        } catch (RuntimeException e) {
            return "error " + e;
        }
    }

    private static RedisTicketKeyRing ring(RedisTicketKeyRing shared) {
        if (shared == null) {
            throw new IllegalStateException("no redisRing server in this process");
        }
        return shared;
    }

    private static int listen(TlsServerOptions options, int port) throws Exception {
        TlsServer server = Tls.createServer(options, ResumptionServerMain::greetAndEcho);
        server.on(TlsServer.TLS_CLIENT_ERROR, (error, socket) ->
                System.err.println("tlsClientError " + error));
        CompletableFuture<Integer> bound = new CompletableFuture<>();
        server.once(EventEmitter.ERROR, bound::completeExceptionally);
        server.listen(port, "127.0.0.1", () -> bound.complete(server.address().port()));
        return bound.get(30, TimeUnit.SECONDS);
    }

    private static void greetAndEcho(TlsSocket socket) {
        socket.on(EventEmitter.ERROR, error -> System.err.println("socket error " + error));
        socket.write("reused=" + socket.isSessionReused() + " " + socket.getProtocol() + "\n");
        socket.pipe(socket);
    }

    private static RedisClient redis(int port) {
        return RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", port))
                .clientConfig(DefaultJedisClientConfig.builder()
                        .connectionTimeoutMillis(1000).socketTimeoutMillis(1000).build())
                .build();
    }

    /** The system clock plus an offset the test moves, so key ages pass in no time. */
    static final class OffsetClock implements InstantSource {
        private volatile Duration offset = Duration.ZERO;

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }

        synchronized Duration advance(Duration by) {
            offset = offset.plus(by);
            return offset;
        }
    }
}
