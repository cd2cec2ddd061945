package io.jtls;

import io.jtls.context.SecureContextOptions;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reloads a server's certificate and key when their files change, without a restart: what
 * cert-manager, ACME clients (certbot, lego, acme.sh) and Kubernetes secret mounts need.
 *
 * <p>The reloader watches the directories that hold the two files (the JDK's
 * {@link WatchService}, which sees in-place rewrites as well as Kubernetes-style symlink swaps,
 * where {@code ..data} is re-pointed at a new directory) and also looks at the files every
 * {@link Builder#pollInterval(Duration) poll interval}, for file systems that report no events
 * (NFS, some container mounts). After a change it waits until the directory has been quiet for
 * the {@link Builder#settle(Duration) settle time}, since writers replace the key and the
 * certificate one after the other, then reads both files. When their contents differ from what
 * is serving, it builds a new context from them on its own thread, never on an event loop, and
 * swaps it in with {@link TlsServer#setSecureContext(SecureContextOptions)}: new connections
 * use the new certificate, open connections go on with the old one until they end.
 *
 * <p>A file that does not parse, or a key that does not match the certificate, is broken: the
 * old context keeps serving, the error goes to {@link Listener#failed(Throwable)} and to the
 * {@code io.jtls} {@link System.Logger} (WARNING), and the same broken contents are not tried
 * again; the next change is. A successful reload is logged at INFO and reported to
 * {@link Listener#reloaded(SecureContext)}.
 *
 * <pre>{@code
 * TlsServer server = Tls.createServer(TlsServerOptions.builder().cert(cert).key(key).build(), onSecure);
 * CertificateReloader reloader = CertificateReloader.builder(server, cert, key).start();
 * ...
 * reloader.close();
 * }</pre>
 *
 * <p>The new context is built from {@link Builder#options(SecureContextOptions) base options}
 * (by default those the server's context had when the reloader started) with {@code cert} and
 * {@code key} replaced by the files' contents; session ticket keys carry over, so sessions
 * resume across a reload. Thread-safe; {@link #close()} stops watching.
 */
public final class CertificateReloader implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.jtls");

    /**
     * What a reloader reports, on its own thread. An exception thrown by a listener is logged
     * and otherwise ignored.
     */
    public interface Listener {
        /**
         * The files' new contents serve new connections.
         *
         * @param context the server's new context
         */
        default void reloaded(SecureContext context) {}

        /**
         * The files changed but cannot serve (unreadable, not PEM, a key that does not match
         * the certificate): the previous context keeps serving.
         *
         * @param error why, with Node's code when it is a {@link io.jtls.error.TlsException}
         */
        default void failed(Throwable error) {}
    }

    private final TlsServer server;
    private final Path cert;
    private final Path key;
    private final String passphrase;
    private final SecureContextOptions base;
    private final Duration pollInterval;
    private final Duration settle;
    private final Listener listener;
    private final WatchService watcher;
    private final Map<Path, WatchKey> watched = new HashMap<>();
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Object checkLock = new Object();
    private final Thread thread;
    private volatile boolean closed;
    /** The digest of the contents serving now, and of the last broken contents (not tried again). */
    private byte[] serving;
    private byte[] broken;

    private CertificateReloader(Builder b) throws IOException {
        this.server = b.server;
        this.cert = b.cert.toAbsolutePath();
        this.key = b.key.toAbsolutePath();
        this.passphrase = b.passphrase;
        this.pollInterval = b.pollInterval;
        this.settle = b.settle;
        this.listener = b.listener;
        SecureContext current = server.secureContext();
        this.base = b.base != null ? b.base : current != null ? current.options() : SecureContextOptions.DEFAULTS;
        this.watcher = b.watch ? cert.getFileSystem().newWatchService() : null;
        this.serving = servingDigest();
        this.thread = Thread.ofVirtual().name("jtls-certificate-reloader").unstarted(this::run);
    }

    /**
     * A reloader for {@code server}'s certificate chain and key files (PEM).
     *
     * @param server the server whose context is replaced
     * @param cert   the certificate chain file: leaf first, then intermediates
     * @param key    the private key file
     * @return a builder; {@link Builder#start()} starts watching
     */
    public static Builder builder(TlsServer server, Path cert, Path key) {
        return new Builder(server, cert, key);
    }

    /**
     * How many times a new context was swapped in.
     *
     * @return the count of successful reloads
     */
    public long reloads() {
        return reloads.get();
    }

    /**
     * How many changed contents could not be used.
     *
     * @return the count of failed reloads
     */
    public long failures() {
        return failures.get();
    }

    /**
     * Reads the files now, on the calling thread, and reloads if their contents changed (or were
     * broken before and are fixed now). Blocks while the context is built: do not call it on an
     * event loop.
     *
     * @return true when a new context now serves; false when the contents are those serving,
     *         cannot be used (reported as for a change), or the server is closed
     */
    public boolean reloadNow() {
        return check(true);
    }

    /** Stops watching; the server keeps the context it has. Idempotent. */
    @Override
    public void close() {
        closed = true;
        if (watcher != null) {
            try {
                watcher.close(); // wakes the thread out of poll()
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing the certificate watch service", e);
            }
        }
        thread.interrupt();
    }

    private CertificateReloader begin() {
        registerDirectories();
        thread.start(); // its first pass loads the files when the server was not started from them
        return this;
    }

    private void run() {
        if (serving == null) {
            check(false);
        }
        while (!closed) {
            try {
                if (waitForChange()) {
                    check(false);
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return; // closed
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "certificate reloader for " + cert, e);
            }
        }
    }

    /**
     * Waits for an event in a watched directory and then for the settle time without another
     * one; or for the poll interval. Returns true when the files should be looked at.
     */
    private boolean waitForChange() throws InterruptedException {
        if (watcher == null) {
            Thread.sleep(pollInterval);
            return true;
        }
        WatchKey first = watcher.poll(pollInterval.toNanos(), TimeUnit.NANOSECONDS);
        if (first == null) {
            return true; // the poll fallback: look anyway
        }
        drain(first);
        WatchKey next;
        while ((next = watcher.poll(settle.toNanos(), TimeUnit.NANOSECONDS)) != null) {
            drain(next);
        }
        return true;
    }

    private void drain(WatchKey watchKey) {
        watchKey.pollEvents();
        if (!watchKey.reset()) {
            // The directory went away (a Kubernetes swap deletes the old ..data target).
            synchronized (watched) {
                watched.values().remove(watchKey);
            }
        }
    }

    /**
     * The directories to watch: each file's parent as given (where a symlink swap happens) and
     * the parent of what it resolves to now (where an in-place rewrite through a symlink
     * happens). Registered again after each look, since a swap changes the second.
     */
    private void registerDirectories() {
        if (watcher == null) {
            return;
        }
        Set<Path> dirs = new LinkedHashSet<>();
        for (Path file : new Path[] {cert, key}) {
            dirs.add(file.getParent());
            try {
                dirs.add(file.toRealPath().getParent());
            } catch (IOException e) {
                // Missing for now (mid-swap): its given parent is watched.
            }
        }
        synchronized (watched) {
            for (Path dir : dirs) {
                if (dir == null || watched.containsKey(dir)) {
                    continue;
                }
                try {
                    watched.put(dir, dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                            StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE));
                } catch (IOException | ClosedWatchServiceException e) {
                    LOG.log(System.Logger.Level.DEBUG, "cannot watch " + dir + " (polling covers it): " + e);
                }
            }
            watched.entrySet().removeIf(entry -> !entry.getValue().isValid());
        }
    }

    /** Reads both files; swaps in a context made from them when they changed. */
    private boolean check(boolean forced) {
        synchronized (checkLock) {
            registerDirectories();
            byte[] certPem = null;
            byte[] keyPem = null;
            try {
                certPem = Files.readAllBytes(cert);
                keyPem = Files.readAllBytes(key);
            } catch (IOException e) {
                // Mid-swap or mid-write: the next event or poll looks again.
                zero(keyPem);
                if (forced) {
                    report(e);
                }
                return false;
            }
            byte[] digest = digest(certPem, keyPem);
            try {
                if (Arrays.equals(digest, serving) || (!forced && Arrays.equals(digest, broken))) {
                    return false;
                }
                if (server.secureContext() == null) {
                    // Closed: no context to replace (setSecureContext would make one that no
                    // close releases). The next look after it listens again reloads.
                    return false;
                }
                // The files are the whole identity: a pfx or Java key entries of the base go.
                SecureContextOptions options = base.toBuilder().cert(certPem)
                        .key(List.of(new SecureContextOptions.KeyPem(keyPem, passphrase)))
                        .pfx((List<SecureContextOptions.Pfx>) null).keyEntries(null).build();
                server.setSecureContext(options);
                serving = digest;
                broken = null;
                reloads.incrementAndGet();
                LOG.log(System.Logger.Level.INFO, "jtls: reloaded the certificate of " + server + " from " + cert);
                SecureContext now = server.secureContext();
                try {
                    listener.reloaded(now);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "certificate reload listener failed", e);
                }
                return true;
            } catch (RuntimeException e) {
                broken = digest;
                report(e);
                return false;
            } finally {
                zero(keyPem);
            }
        }
    }

    private void report(Exception e) {
        failures.incrementAndGet();
        LOG.log(System.Logger.Level.WARNING, "jtls: the certificate files " + cert + " and " + key
                + " cannot be used; the previous certificate keeps serving: " + e.getMessage());
        try {
            listener.failed(e);
        } catch (RuntimeException listenerError) {
            LOG.log(System.Logger.Level.WARNING, "certificate reload listener failed", listenerError);
        }
    }

    /** The digest of the files now if the server's base options hold the same contents, else null. */
    private byte[] servingDigest() {
        var certs = base.cert();
        var keys = base.key();
        if (certs == null || certs.size() != 1 || keys == null || keys.size() != 1) {
            return null;
        }
        byte[] keyPem = null;
        try {
            byte[] certPem = Files.readAllBytes(cert);
            keyPem = Files.readAllBytes(key);
            byte[] baseKey = keys.getFirst().pem();
            boolean same = Arrays.equals(certs.getFirst(), certPem) && Arrays.equals(baseKey, keyPem);
            zero(baseKey);
            return same ? digest(certPem, keyPem) : null;
        } catch (IOException e) {
            return null;
        } finally {
            zero(keyPem);
        }
    }

    private static byte[] digest(byte[] certPem, byte[] keyPem) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(certPem);
            sha.update((byte) 0);
            sha.update(keyPem);
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    private static void zero(byte[] bytes) {
        if (bytes != null) {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** Settings of a {@link CertificateReloader}. */
    public static final class Builder {
        private final TlsServer server;
        private final Path cert;
        private final Path key;
        private String passphrase;
        private SecureContextOptions base;
        private Duration pollInterval = Duration.ofMinutes(1);
        private Duration settle = Duration.ofMillis(500);
        private boolean watch = true;
        private Listener listener = new Listener() {};

        private Builder(TlsServer server, Path cert, Path key) {
            this.server = Objects.requireNonNull(server, "server");
            this.cert = Objects.requireNonNull(cert, "cert");
            this.key = Objects.requireNonNull(key, "key");
        }

        /**
         * The passphrase of an encrypted key file.
         *
         * @param passphrase the passphrase, or null for an unencrypted key
         * @return this builder
         */
        public Builder passphrase(String passphrase) {
            this.passphrase = passphrase;
            return this;
        }

        /**
         * The other options of each new context (ciphers, ca, protocol versions, ...); their
         * {@code cert} and {@code key} are replaced by the files', and their {@code pfx} and
         * {@code keyEntries} dropped.
         *
         * @param options the base options; default: those of the server's context when
         *                {@link #start()} is called
         * @return this builder
         */
        public Builder options(SecureContextOptions options) {
            this.base = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * How often the files are read even without a file-system event: the fallback for file
         * systems that report none.
         *
         * @param interval positive; default one minute
         * @return this builder
         */
        public Builder pollInterval(Duration interval) {
            this.pollInterval = positive(interval, "pollInterval");
            return this;
        }

        /**
         * How long the directory must be quiet after an event before the files are read: a
         * writer replacing the key and then the certificate within it causes one reload.
         *
         * @param quiet positive; default 500 ms
         * @return this builder
         */
        public Builder settle(Duration quiet) {
            this.settle = positive(quiet, "settle");
            return this;
        }

        /**
         * Whether to use file-system events; without them the reloader only polls.
         *
         * @param watch default true
         * @return this builder
         */
        public Builder watch(boolean watch) {
            this.watch = watch;
            return this;
        }

        /**
         * Who hears about reloads and failures (besides the log).
         *
         * @param listener called on the reloader's thread
         * @return this builder
         */
        public Builder listener(Listener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Starts watching. When the files' contents differ from the server's current
         * {@code cert} and {@code key}, they are loaded at once.
         *
         * @return the running reloader
         * @throws IOException when the file system's watch service cannot be opened
         */
        public CertificateReloader start() throws IOException {
            return new CertificateReloader(this).begin();
        }

        private static Duration positive(Duration d, String name) {
            if (Objects.requireNonNull(d, name).isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
            return d;
        }
    }
}
