package io.jtls.internal.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Node's {@code --tls-keylog=file}: every connection's key log lines appended to one file
 * (NSS key log format, which Wireshark reads to decrypt a capture). Switched on by the system
 * property {@value #PROPERTY} or, when that is unset, the environment variable
 * {@value #ENVIRONMENT} (the property is read when each connection starts, the environment once).
 * As Node, the file is created with
 * mode 0600, a warning is logged once, and a failed write is reported once.
 *
 * <p>Lines are written by one background thread in the order they were logged: an event loop
 * never waits for the disk.
 */
public final class KeylogFile {
    /** The system property naming the key log file. */
    public static final String PROPERTY = "jtls.tls.keylog";
    /** The environment variable naming it when the property is unset. */
    public static final String ENVIRONMENT = "JTLS_TLS_KEYLOG";

    private static final ConcurrentHashMap<Path, KeylogFile> FILES = new ConcurrentHashMap<>();
    private static final Set<StandardOpenOption> APPEND =
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);

    /**
     * {@value #ENVIRONMENT}, read once: a process's environment does not change, and looking it
     * up allocates (the property is still read per connection: a program may set it at run time).
     */
    private static final String ENVIRONMENT_VALUE = System.getenv(ENVIRONMENT);

    private final Path path;

    private KeylogFile(Path path) {
        this.path = path;
        Warnings.once("TLS_KEYLOG", "Using " + PROPERTY + " makes TLS connections insecure by writing secret key material to file "
                + path);
    }

    /** True when {@code -Djtls.tls.keylog} or {@code JTLS_TLS_KEYLOG} names a file. */
    public static boolean isConfigured() {
        String name = System.getProperty(PROPERTY);
        if (name == null || name.isEmpty()) {
            name = ENVIRONMENT_VALUE;
        }
        return name != null && !name.isEmpty();
    }

    static KeylogFile configured() {
        String name = System.getProperty(PROPERTY);
        if (name == null || name.isEmpty()) {
            name = ENVIRONMENT_VALUE;
        }
        if (name == null || name.isEmpty()) {
            return null;
        }
        return FILES.computeIfAbsent(Path.of(name).toAbsolutePath(), KeylogFile::new);
    }

    /** Appends {@code line} (which ends in a newline) later, on the writer thread. */
    void append(byte[] line) {
        Writer.THREAD.execute(() -> write(line));
    }

    private void write(byte[] line) {
        try (SeekableByteChannel out = open()) {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
        } catch (IOException | RuntimeException e) {
            Warnings.once("TLS_KEYLOG_WRITE", "Failed to write TLS keylog (this warning will not be repeated): " + e);
        }
    }

    private SeekableByteChannel open() throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            FileAttribute<?> owner = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
            return Files.newByteChannel(path, APPEND, owner); // the mode applies when the file is created
        }
        return Files.newByteChannel(path, APPEND);
    }

    /** The writer thread, made at the first line. */
    private static final class Writer {
        static final ExecutorService THREAD = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "jtls-keylog-writer");
            t.setDaemon(true);
            return t;
        });
    }
}
