package io.jtls.interop;

import static io.jtls.interop.JtlsPeer.TIMEOUT;
import static io.jtls.interop.JtlsPeer.await;
import static io.jtls.interop.JtlsPeer.clientTo;
import static io.jtls.interop.JtlsPeer.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.TlsSocket;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tools for the abuse tests: a well-behaved client that keeps measuring how fast it is served
 * while hostile clients run, raw TCP clients that speak broken TLS, and a real ClientHello to
 * send slowly or cut into 1-byte records.
 */
final class AbuseKit {
    private AbuseKit() {}

    /**
     * A client that behaves: an established connection doing echo round trips back to back, and
     * every tenth round a new full handshake with a round trip on it. Its latencies are reported
     * ({@link #stop}), not asserted: the tests check that it kept being served.
     */
    static final class WellBehavedClient implements AutoCloseable {
        private final int port;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Long> roundTrips = new ArrayList<>();
        private final List<Long> handshakes = new ArrayList<>();
        private final Thread thread;
        private volatile Throwable failure;

        WellBehavedClient(int port) {
            this.port = port;
            Echo first = new Echo(port); // established before the abuse starts
            thread = Thread.ofPlatform().name("well-behaved client").start(() -> run(first));
        }

        private void run(Echo established) {
            try {
                for (int i = 1; running.get(); i++) {
                    long t = System.nanoTime();
                    established.roundTrip();
                    record(roundTrips, System.nanoTime() - t);
                    if (i % 10 == 0) {
                        t = System.nanoTime();
                        try (Echo fresh = new Echo(port)) {
                            fresh.roundTrip();
                        }
                        record(handshakes, System.nanoTime() - t);
                    }
                }
                established.close();
            } catch (Throwable e) {
                failure = e;
            }
        }

        private void record(List<Long> list, long nanos) {
            synchronized (list) {
                list.add(nanos);
            }
        }

        /** Round trips done so far. */
        int roundTrips() {
            synchronized (roundTrips) {
                return roundTrips.size();
            }
        }

        /** Waits until {@code more} further round trips were served (a barrier that needs the server to answer). */
        void awaitRoundTrips(int more) {
            int target = roundTrips() + more;
            JtlsPeer.eventually(more + " more round trips of the well-behaved client", () -> {
                if (failure != null) {
                    throw new AssertionError("the well-behaved client failed", failure);
                }
                return roundTrips() >= target;
            });
        }

        /** Stops the client and prints its latencies to the test output; fails if it was not served. */
        String stop(String scenario) {
            running.set(false);
            try {
                thread.join(TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failure != null) {
                throw new AssertionError(scenario + ": the well-behaved client was not served", failure);
            }
            assertTrue(!thread.isAlive(), scenario + ": the well-behaved client is stuck");
            String report = scenario + ": well-behaved client " + summary("echo round trip", roundTrips)
                    + "; " + summary("new handshake + round trip", handshakes);
            System.out.println(report);
            return report;
        }

        private static String summary(String what, List<Long> nanos) {
            long[] sorted;
            synchronized (nanos) {
                sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
            }
            if (sorted.length == 0) {
                return what + ": none";
            }
            return String.format("%s n=%d p50=%.2f ms p99=%.2f ms max=%.2f ms", what, sorted.length,
                    sorted[sorted.length / 2] / 1e6, sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))] / 1e6,
                    sorted[sorted.length - 1] / 1e6);
        }

        @Override
        public void close() {
            running.set(false);
        }
    }

    /** An established jtls client of an echo server, with a blocking round trip. */
    static final class Echo implements AutoCloseable {
        private final TlsSocket socket;
        private final StringBuilder received = new StringBuilder();
        private final CompletableFuture<Boolean> closed = new CompletableFuture<>();
        private volatile CompletableFuture<Void> pending;
        private volatile String expected;
        private int n;

        Echo(int port) {
            CompletableFuture<Void> secure = new CompletableFuture<>();
            socket = JtlsPeer.connect(clientTo(port).build(), s -> {
                s.on(TlsSocket.SECURE_CONNECT, () -> secure.complete(null));
                s.on(EventEmitter.ERROR, e -> {
                    secure.completeExceptionally(e);
                    CompletableFuture<Void> p = pending;
                    if (p != null) {
                        p.completeExceptionally(e);
                    }
                });
                s.on(Duplex.CLOSE, closed::complete);
                s.on(Duplex.DATA, chunk -> {
                    synchronized (received) {
                        received.append(utf8(chunk));
                        CompletableFuture<Void> p = pending;
                        if (p != null && received.indexOf(expected) >= 0) {
                            received.setLength(0);
                            p.complete(null);
                        }
                    }
                });
            });
            await(secure);
        }

        void roundTrip() {
            String line = "ping " + (++n) + "\n";
            CompletableFuture<Void> p = new CompletableFuture<>();
            expected = line;
            pending = p;
            socket.write(line);
            await(p);
            pending = null;
        }

        @Override
        public void close() {
            socket.end();
            await(closed);
        }
    }

    /** The first record a jtls client sends: its ClientHello (one TLS record). */
    static byte[] captureClientHello() {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Throwable> failed = new CompletableFuture<>();
            JtlsPeer.connect(clientTo(listener.getLocalPort()).build(), s -> s.on(EventEmitter.ERROR, failed::complete));
            try (Socket s = listener.accept()) {
                InputStream in = s.getInputStream();
                byte[] header = in.readNBytes(5);
                byte[] body = in.readNBytes(((header[3] & 0xff) << 8) | (header[4] & 0xff));
                byte[] hello = Arrays.copyOf(header, 5 + body.length);
                System.arraycopy(body, 0, hello, 5, body.length);
                assertEquals(0x16, hello[0], "a handshake record");
                assertEquals(1, hello[5], "a ClientHello");
                return hello;
            } finally {
                await(failed); // the client saw the hang-up
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The same handshake message re-framed as records of {@code size} body bytes each (RFC 8446 5.1 allows it). */
    static byte[] splitIntoRecords(byte[] record, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 5; i < record.length; i += size) {
            int n = Math.min(size, record.length - i);
            out.write(record[0]);
            out.write(record[1]);
            out.write(record[2]);
            out.write(n >> 8);
            out.write(n);
            out.write(record, i, n);
        }
        return out.toByteArray();
    }

    /** A raw TCP connection to the server on loopback. */
    static Socket raw(int port) {
        try {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
            s.setTcpNoDelay(true);
            return s;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Sends {@code bytes} one at a time, {@code pauseMillis} apart, until the server closes the
     * connection; then reads to the end. Returns the milliseconds until the server closed it;
     * fails when it never does.
     */
    static long dribbleUntilClosed(int port, byte[] bytes, long pauseMillis) {
        long start = System.nanoTime();
        try (Socket s = raw(port)) {
            OutputStream out = s.getOutputStream();
            try {
                for (byte b : bytes) {
                    out.write(b);
                    out.flush();
                    if (s.getInputStream().available() > 0) {
                        break; // the server answered (an alert): read on below
                    }
                    TimeUnit.MILLISECONDS.sleep(pauseMillis);
                }
            } catch (SocketException closedByServer) {
                return (System.nanoTime() - start) / 1_000_000;
            }
            readUntilClosed(s);
            return (System.nanoTime() - start) / 1_000_000;
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Reads and drops whatever comes until the peer closes (or resets); fails after {@link JtlsPeer#TIMEOUT}. */
    static byte[] readUntilClosed(Socket s) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try {
            s.setSoTimeout((int) TIMEOUT.toMillis());
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            for (int n; (n = in.read(buf)) >= 0; ) {
                got.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server never closed the connection", e);
        } catch (SocketException reset) {
            // closed with a reset: closed all the same
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return got.toByteArray();
    }

    /** Starts one virtual thread per task and waits for all of them; rethrows the first failure. */
    static void allAtOnce(List<Runnable> tasks) {
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (Runnable task : tasks) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    task.run();
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread t : threads) {
            try {
                t.join(2 * TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            assertTrue(!t.isAlive(), "a hostile client is stuck");
        }
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError(failures.size() + " hostile clients failed; first: " + failures.get(0), failures.get(0));
            throw e;
        }
    }
}
