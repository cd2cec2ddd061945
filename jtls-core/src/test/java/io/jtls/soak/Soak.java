package io.jtls.soak;

import io.jtls.Tls;
import io.jtls.TlsConnectOptions;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.TlsSocket;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import io.jtls.pki.HeldCertificate;
import io.jtls.support.Waiting;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The soak (issue 11): churns connections against one jtls server for a while — full and
 * resumed handshakes (TLS 1.2 and 1.3) with data, handshakes that fail verification, garbage
 * sent to the server, connections destroyed at random moments from another thread — and samples
 * the process ({@link SoakSample}) at a fixed interval. Before each sample the churn stops
 * between actions and the server's connections reach zero, so the counts compare like with like.
 * {@link SoakTrend} then says whether anything grows.
 */
public final class Soak {
    private static final Duration ACTION_TIMEOUT = Duration.ofSeconds(30);
    private static final HeldCertificate ROOT = HeldCertificate.builder().commonName("Soak Root")
            .certificateAuthority(0).ec("prime256v1").build();
    private static final HeldCertificate SERVER = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltName("localhost").ec("prime256v1").signedBy(ROOT).build();
    private static final HeldCertificate OTHER_ROOT = HeldCertificate.builder().commonName("Not The Soak Root")
            .certificateAuthority(0).build();

    /** What a soak run saw. */
    record Result(List<SoakSample> samples, Map<String, Long> actions, List<String> rising, List<String> failures) {}

    private final Map<String, AtomicLong> actions = new ConcurrentHashMap<>();
    private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Map<String, AtomicReference<byte[]>> sessions = Map.of(
            "TLSv1.2", new AtomicReference<>(), "TLSv1.3", new AtomicReference<>());
    private final ReentrantReadWriteLock quiet = new ReentrantReadWriteLock();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ScheduledExecutorService destroyer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("soak destroyer").daemon().factory());
    private TlsServer server;
    private int port;

    /**
     * The soak in its own JVM ({@link SoakTest} starts it with a fixed heap, so that the RSS
     * figure is not the heap growing and shrinking): {@code SECONDS EVERY_SECONDS WORKERS}.
     * Prints the samples and the verdict; exits 0 when nothing trends up and no action failed
     * unexpectedly, 1 otherwise.
     */
    public static void main(String[] args) {
        Duration length = Duration.ofSeconds(Long.parseLong(args[0]));
        Duration every = Duration.ofSeconds(Long.parseLong(args[1]));
        Result result = run(length, every, Integer.parseInt(args[2]), System.out);
        result.failures().forEach(f -> System.out.println("soak: unexpected failure: " + f));
        result.rising().forEach(r -> System.out.println("soak: RISING " + r));
        boolean resumed = result.actions().getOrDefault("resumed handshake + data", 0L) > 0;
        if (!resumed) {
            System.out.println("soak: no session was resumed");
        }
        boolean ok = result.failures().isEmpty() && result.rising().isEmpty() && resumed;
        System.out.println(ok ? "soak: flat" : "soak: FAILED");
        System.out.flush();
        System.exit(ok ? 0 : 1);
    }

    /**
     * Churns for {@code length}, sampling every {@code every} (and once at the start), with
     * {@code workers} client threads; prints each sample to {@code out}.
     */
    static Result run(Duration length, Duration every, int workers, PrintStream out) {
        return new Soak().go(length, every, workers, out);
    }

    private Result go(Duration length, Duration every, int workers, PrintStream out) {
        // A short handshake timeout: random garbage can look like the start of a long record,
        // which the server (as Node's) waits for until the timeout.
        server = Tls.createServer(TlsServerOptions.builder().cert(SERVER.chainPem()).key(SERVER.privateKeyPem())
                        .handshakeTimeout(Duration.ofSeconds(3)).build(),
                s -> {
                    s.on(EventEmitter.ERROR, e -> { }); // destroyed clients: ECONNRESET and the like
                    s.pipe(s);
                });
        server.on(TlsServer.TLS_CLIENT_ERROR, (e, s) -> count("server: tlsClientError"));
        port = Waiting.listen(server, ACTION_TIMEOUT);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            threads.add(Thread.ofPlatform().name("soak worker " + i).start(this::churn));
        }
        List<SoakSample> samples = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + length.toNanos();
        out.printf("soak: %s, a sample every %s, %d workers%n", length, every, workers);
        out.printf("%8s %10s %10s %10s %8s %6s %8s %9s%n", "t s", "rss KiB", "heap KiB", "malloc KiB", "natives",
                "fds", "threads", "actions");
        try {
            // Fixed delay, not fixed rate: a sample that waited long for quiet does not make
            // the next ones come in a burst.
            for (long next = start; ; next = Math.max(next + every.toNanos(), System.nanoTime())) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                SoakSample s = quietSample();
                samples.add(s);
                out.printf("%8d %10d %10d %10d %8d %6d %8d %9d%n", (System.nanoTime() - start) / 1_000_000_000L,
                        s.rssKib(), s.heapKib(), s.mallocKib(), s.liveNatives(), s.fds(), s.threads(), totalActions());
                out.flush();
                if (System.nanoTime() + every.toNanos() > end) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            running.set(false);
            for (Thread t : threads) {
                try {
                    t.join(ACTION_TIMEOUT.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            destroyer.shutdownNow();
            Waiting.close(server, ACTION_TIMEOUT);
        }
        Map<String, Long> counts = new TreeMap<>();
        actions.forEach((k, v) -> counts.put(k, v.get()));
        out.println("soak actions: " + counts);
        List<String> rising = SoakTrend.risingMetrics(samples);
        return new Result(samples, counts, rising, List.copyOf(failures));
    }

    /** Stops the churn between actions, waits for the server to hold no connection, samples, lets the churn go on. */
    private SoakSample quietSample() {
        quiet.writeLock().lock();
        try {
            Waiting.eventually("the server's connections closed", ACTION_TIMEOUT, () -> connections() == 0);
            return SoakSample.take();
        } finally {
            quiet.writeLock().unlock();
        }
    }

    private int connections() {
        CompletableFuture<Integer> count = new CompletableFuture<>();
        server.getConnections((error, n) -> count.complete(n));
        return Waiting.await(count, ACTION_TIMEOUT);
    }

    private long totalActions() {
        return actions.values().stream().mapToLong(AtomicLong::get).sum();
    }

    private void count(String what) {
        actions.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
    }

    private void churn() {
        SplittableRandom random = new SplittableRandom(ThreadLocalRandom.current().nextLong());
        while (running.get()) {
            quiet.readLock().lock();
            try {
                if (!running.get()) {
                    return;
                }
                int pick = random.nextInt(100);
                String version = random.nextBoolean() ? "TLSv1.2" : "TLSv1.3";
                if (pick < 30) {
                    exchange(version, null, random);
                } else if (pick < 60) {
                    exchange(version, sessions.get(version).get(), random);
                } else if (pick < 70) {
                    failedVerification(version);
                } else if (pick < 75) {
                    garbage(random);
                } else {
                    destroyedAtRandom(version, random);
                }
            } catch (Throwable e) {
                failures.add(e.toString());
                count("unexpected failure");
            } finally {
                quiet.readLock().unlock();
            }
        }
    }

    private TlsConnectOptions.Builder client(String version) {
        return TlsConnectOptions.builder().host("127.0.0.1").servername("localhost").port(port)
                .ca(ROOT.certificatePem()).maxVersion(version);
    }

    /** A connection that sends data and reads its echo; resumes {@code session} when given. */
    private void exchange(String version, byte[] session, SplittableRandom random) {
        byte[] data = new byte[1 + random.nextInt(32 * 1024)];
        random.nextBytes(data);
        AtomicLong echoed = new AtomicLong();
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<Boolean> closed = new CompletableFuture<>();
        TlsConnectOptions.Builder options = client(version);
        if (session != null) {
            options.session(session);
        }
        TlsSocket[] socket = new TlsSocket[1];
        Tls.connect(options.build(), s -> {
            socket[0] = s;
            s.on(TlsSocket.SESSION, bytes -> sessions.get(version).set(bytes));
            s.on(EventEmitter.ERROR, done::completeExceptionally);
            s.on(Duplex.CLOSE, closed::complete);
            s.on(Duplex.DATA, b -> {
                if (echoed.addAndGet(b.remaining()) == data.length) {
                    done.complete(null);
                }
            });
        }, () -> socket[0].write(data));
        Waiting.await(done, ACTION_TIMEOUT);
        count(session == null ? "full handshake + data" : socket[0].isSessionReused() ? "resumed handshake + data"
                : "resumption refused + data");
        socket[0].end();
        Waiting.await(closed, ACTION_TIMEOUT);
    }

    /** A client that does not trust the server's root: its handshake fails. */
    private void failedVerification(String version) {
        CompletableFuture<Throwable> error = new CompletableFuture<>();
        CompletableFuture<Boolean> closed = new CompletableFuture<>();
        Tls.connect(client(version).ca(OTHER_ROOT.certificatePem()).build(), s -> {
            s.on(EventEmitter.ERROR, error::complete);
            s.on(Duplex.CLOSE, closed::complete);
        }, null);
        Waiting.await(error, ACTION_TIMEOUT);
        Waiting.await(closed, ACTION_TIMEOUT);
        count("failed verification");
    }

    /** Garbage instead of a ClientHello: the server fails the handshake and closes. */
    private void garbage(SplittableRandom random) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            byte[] junk = new byte[1 + random.nextInt(600)];
            random.nextBytes(junk);
            if (random.nextBoolean()) {
                junk[0] = 'G'; // sometimes a plain-text request, refused at its first byte
            }
            s.getOutputStream().write(junk);
            s.setSoTimeout((int) ACTION_TIMEOUT.toMillis());
            while (s.getInputStream().read(new byte[1024]) >= 0) {
                // the alert
            }
            count("garbage to the server");
        } catch (java.net.SocketException reset) {
            count("garbage to the server");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A connection that starts a transfer and is destroyed from another thread at a random moment. */
    private void destroyedAtRandom(String version, SplittableRandom random) {
        CompletableFuture<Boolean> closed = new CompletableFuture<>();
        byte[] data = new byte[64 * 1024];
        TlsSocket[] socket = new TlsSocket[1];
        TlsConnectOptions.Builder options = client(version);
        byte[] session = sessions.get(version).get();
        if (session != null && random.nextBoolean()) {
            options.session(session);
        }
        TlsSocket s = Tls.connect(options.build(), c -> {
            socket[0] = c;
            c.on(EventEmitter.ERROR, e -> { });
            c.on(Duplex.CLOSE, closed::complete);
            c.on(Duplex.DATA, b -> { });
        }, () -> socket[0].write(data));
        destroyer.schedule(() -> {
            s.destroy();
        }, random.nextInt(15_000), TimeUnit.MICROSECONDS);
        Waiting.await(closed, ACTION_TIMEOUT);
        count("destroyed from another thread");
    }
}
