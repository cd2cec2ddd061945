package io.jtls.bench;

import io.jtls.TlsServer;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * server-node.js's {@code --idcache on}: a bounded in-memory session cache behind the server's
 * {@code 'newSession'} and {@code 'resumeSession'} events, so that TLS 1.2 resumes by session
 * id without tickets. Insertion-ordered; the oldest entry goes when {@link #MAX} are held, as
 * the Node script's {@code Map}. Only the server's loop threads touch it, so it is synchronized
 * only for a server with several loops.
 *
 * <p>If the server does not emit {@code 'newSession'} (the TLS layer wires the session events
 * in a later step), the first TLS 1.2 connection that becomes secure without one prints a
 * warning to stderr (the harness's server log): id-cache resumption then does full handshakes.
 */
final class SessionIdCache {
    /** server-node.js's bound. */
    static final int MAX = 100_000;

    private final Map<String, byte[]> cache = new LinkedHashMap<>();
    private volatile boolean newSessionSeen;
    private final AtomicBoolean warned = new AtomicBoolean();

    private SessionIdCache() {}

    /** Installs the two listeners on {@code server}. */
    static void install(TlsServer server) {
        SessionIdCache sessions = new SessionIdCache();
        server.on(TlsServer.NEW_SESSION, (id, data, done) -> {
            sessions.newSessionSeen = true;
            sessions.put(id, data);
            done.run();
        });
        server.on(TlsServer.RESUME_SESSION, (id, callback) -> callback.call(null, sessions.get(id)));
        server.on(TlsServer.SECURE_CONNECTION, socket -> {
            if (!sessions.newSessionSeen && "TLSv1.2".equals(socket.getProtocol()) && !socket.isSessionReused()
                    && sessions.warned.compareAndSet(false, true)) {
                System.err.println("bench-server: warning: --idcache on, but the server emitted no 'newSession' event:"
                        + " TLS 1.2 session-id resumption is not wired in the TLS layer yet (full handshakes instead)");
            }
        });
    }

    synchronized void put(byte[] id, byte[] data) {
        String key = HexFormat.of().formatHex(id);
        if (cache.size() >= MAX && !cache.containsKey(key)) {
            cache.remove(cache.keySet().iterator().next());
        }
        cache.put(key, data);
    }

    synchronized byte[] get(byte[] id) {
        return cache.get(HexFormat.of().formatHex(id));
    }
}
