package io.jtls.interop;

import io.jtls.Tls;
import io.jtls.TlsConnectOptions;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.TlsSocket;
import io.jtls.error.TlsException;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import io.jtls.net.EventLoop;
import io.jtls.net.EventLoopGroup;
import io.jtls.pki.HeldCertificate;
import io.jtls.support.Waiting;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** The jtls side of the interop tests: options, waiting, and byte streams with their SHA-256. */
final class JtlsPeer {
    private JtlsPeer() {}

    static final Duration TIMEOUT = Duration.ofSeconds(20);
    static final int MIB = 1024 * 1024;

    /** Server options with {@code cert}'s chain and key. */
    static TlsServerOptions.Builder serverWith(HeldCertificate cert) {
        return TlsServerOptions.builder().cert(cert.chainPem()).key(cert.privateKeyPem());
    }

    /** Client options for 127.0.0.1:port, trusting the interop root, checking the name "localhost". */
    static TlsConnectOptions.Builder clientTo(int port) {
        return TlsConnectOptions.builder().host("127.0.0.1").servername("localhost").port(port)
                .ca(InteropCerts.ROOT.certificatePem());
    }

    /**
     * {@link Tls#connect} run on the new socket's own loop, with {@code setup} (listeners) called
     * in the same loop turn: no event can be emitted before the listeners are in place, as in
     * Node where listeners added right after {@code tls.connect()} hear everything.
     */
    static TlsSocket connect(TlsConnectOptions options, Consumer<TlsSocket> setup) {
        EventLoop loop = options.loop() != null ? options.loop() : EventLoopGroup.defaultGroup().next();
        CompletableFuture<TlsSocket> socket = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                TlsSocket s = Tls.connect(options.toBuilder().loop(loop).build());
                setup.accept(s);
                socket.complete(s);
            } catch (Throwable e) {
                socket.completeExceptionally(e);
            }
        });
        return await(socket);
    }

    /** Starts {@code server} on 127.0.0.1, port 0; returns the port. */
    static int listen(TlsServer server) {
        return Waiting.listen(server, TIMEOUT);
    }

    /** Closes {@code server}, its open connections destroyed first, and waits for its 'close'. */
    static void close(TlsServer server) {
        Waiting.close(server, TIMEOUT);
    }

    static <T> T await(CompletableFuture<T> future) {
        return Waiting.await(future, TIMEOUT);
    }

    /** Node's {@code err.code} of a jtls error. */
    static String code(Throwable e) {
        return e instanceof TlsException t ? t.code() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** Polls {@code condition} until it holds, or fails after {@link #TIMEOUT}. */
    static void eventually(String what, BooleanSupplier condition) {
        Waiting.eventually(what, TIMEOUT, condition);
    }

    static void sleepMillis(long millis) {
        Waiting.sleep(Duration.ofMillis(millis));
    }

    static String utf8(ByteBuffer b) {
        return StandardCharsets.UTF_8.decode(b.duplicate()).toString();
    }

    static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a stream received until 'end': byte count, SHA-256, and its first bytes as text. */
    record Received(long bytes, String sha256, String text) {}

    /**
     * Hashes everything {@code stream} delivers; completes at {@code 'end'} (or fails at
     * {@code 'error'} / a {@code 'close'} without end). The first 4 KiB are kept as text.
     */
    static final class Sink {
        final CompletableFuture<Received> done = new CompletableFuture<>();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong chunks = new AtomicLong();
        private final MessageDigest digest = sha256();
        private final StringBuilder text = new StringBuilder();

        Sink(Duplex stream) {
            stream.on(Duplex.DATA, chunk -> {
                bytes.addAndGet(chunk.remaining());
                chunks.incrementAndGet();
                if (text.length() < 4096) {
                    text.append(utf8(chunk));
                }
                digest.update(chunk);
            });
            stream.on(Duplex.END, () -> done.complete(new Received(bytes.get(), hex(digest), text.toString())));
            stream.on(EventEmitter.ERROR, done::completeExceptionally);
            stream.on(Duplex.CLOSE, hadError -> done.completeExceptionally(new AssertionError("closed before 'end'")));
        }
    }

    /** Collects what a stream delivers as text, for tests that wait for a line from a peer. */
    static final class Text {
        private final StringBuilder text = new StringBuilder();

        Text(Duplex stream) {
            stream.on(Duplex.DATA, chunk -> {
                synchronized (text) {
                    text.append(utf8(chunk));
                }
            });
        }

        String get() {
            synchronized (text) {
                return text.toString();
            }
        }

        /** Waits until the text received contains {@code expected}. */
        void await(String expected) {
            try {
                eventually("received " + expected, () -> get().contains(expected));
            } catch (AssertionError e) {
                throw new AssertionError("never received \"" + expected + "\"; got \"" + get() + "\"", e);
            }
        }
    }

    /** Writes {@code total} pseudo-random bytes to {@code file} (as {@link Source} would send them); returns their SHA-256. */
    static String writeRandomFile(java.nio.file.Path file, long total) {
        byte[] chunk = new byte[64 * 1024];
        new SplittableRandom(total).nextBytes(chunk);
        MessageDigest digest = sha256();
        try (var out = java.nio.file.Files.newOutputStream(file)) {
            for (long left = total; left > 0; ) {
                int n = (int) Math.min(chunk.length, left);
                out.write(chunk, 0, n);
                digest.update(chunk, 0, n);
                left -= n;
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return hex(digest);
    }

    /** The SHA-256 of a file. */
    static String sha256Of(java.nio.file.Path file) {
        MessageDigest digest = sha256();
        byte[] buf = new byte[1 << 16];
        try (var in = java.nio.file.Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                digest.update(buf, 0, n);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return hex(digest);
    }

    /**
     * Writes {@code total} pseudo-random bytes to {@code stream} in 64 KiB writes, waiting for
     * {@code 'drain'} whenever a write returns false (Node's writable contract), then ends it.
     * {@link #sent} completes with the SHA-256 of what was written.
     */
    static final class Source {
        final CompletableFuture<String> sent = new CompletableFuture<>();
        final AtomicLong written = new AtomicLong();
        final AtomicLong drainWaits = new AtomicLong();
        private final Duplex stream;
        private final long total;
        private final byte[] chunk = new byte[64 * 1024];
        private final MessageDigest digest = sha256();
        private final boolean end;

        Source(Duplex stream, long total, boolean end) {
            this.stream = stream;
            this.total = total;
            this.end = end;
            new SplittableRandom(total).nextBytes(chunk);
            stream.on(Duplex.DRAIN, this::pump);
            stream.on(EventEmitter.ERROR, sent::completeExceptionally);
        }

        /** Starts writing (call on any thread; the writes go to the stream's loop). */
        Source start() {
            stream.loop().execute(this::pump);
            return this;
        }

        private void pump() {
            while (written.get() < total) {
                int n = (int) Math.min(chunk.length, total - written.get());
                digest.update(chunk, 0, n);
                written.addAndGet(n);
                boolean more = stream.write(java.util.Arrays.copyOf(chunk, n));
                if (!more) {
                    drainWaits.incrementAndGet();
                    return; // 'drain' calls pump again
                }
            }
            if (!sent.isDone()) {
                if (end) {
                    stream.end();
                }
                sent.complete(hex(digest));
            }
        }
    }
}
