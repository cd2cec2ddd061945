package io.jtls.bench;

import io.jtls.TlsServer;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * server-node.js's {@code --idcache on}: a bounded in-memory session cache behind the server's
 * {@code 'newSession'} and {@code 'resumeSession'} events, so that TLS 1.2 resumes by session
 * id without tickets (and, with {@code --tickets off}, TLS 1.3 by stateful tickets, whose ids
 * the same events carry). Insertion-ordered; the oldest entry goes when {@link #MAX} are held,
 * as the Node script's {@code Map}, and lookups answer {@code (null, data)} or
 * {@code (null, null)} at once, as its {@code cb(null, cache.get(id) || null)}. Synchronized
 * for a server with several loops (the harness pins one CPU: one loop, no contention).
 */
final class SessionIdCache {
    /** server-node.js's bound. */
    static final int MAX = 100_000;

    private final Map<String, byte[]> cache = new LinkedHashMap<>();

    private SessionIdCache() {}

    /** Installs the two listeners on {@code server}. */
    static void install(TlsServer server) {
        SessionIdCache sessions = new SessionIdCache();
        server.on(TlsServer.NEW_SESSION, (id, data, done) -> {
            sessions.put(id, data);
            done.run();
        });
        server.on(TlsServer.RESUME_SESSION, (id, callback) -> callback.call(null, sessions.get(id)));
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
