package io.jtls.jsse;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

/**
 * An {@code SSLContext}'s session cache. On the client side it is the resumption cache: the last
 * session (OpenSSL's DER form) per peer host and port, offered to OpenSSL by the next engine made
 * for that peer. On the server side OpenSSL resumes by itself (TLS 1.3 and TLS 1.2 tickets under
 * the context's ticket keys), so the server cache only lists what was negotiated. Both honour the
 * size and timeout JSSE lets applications set (0: unlimited, as JSSE).
 */
final class JtlsSessionContext implements SSLSessionContext {
    private record Entry(JtlsSession session, byte[] der) {}

    /**
     * A session to offer for resumption.
     *
     * @param session what the application saw when it was negotiated (a resumed handshake shows it again)
     * @param der     OpenSSL's form of it
     */
    record Cached(JtlsSession session, byte[] der) {}

    /** Access order: the eldest entry is the least recently used one. */
    private final LinkedHashMap<String, Entry> byPeer = new LinkedHashMap<>(16, 0.75f, true);
    private int timeoutSeconds = 86400;
    private int cacheSize = 20480;

    /** Keeps {@code der} as the session to resume with {@code host:port}. */
    synchronized void put(String host, int port, JtlsSession session, byte[] der) {
        if (host == null || port <= 0 || der == null) {
            return;
        }
        session.setContext(this);
        byPeer.put(host + ":" + port, new Entry(session, der.clone()));
        trim();
    }

    /** The session to offer to {@code host:port}, or null when there is none still valid. */
    synchronized Cached lookup(String host, int port) {
        if (host == null || port <= 0) {
            return null;
        }
        String key = host + ":" + port;
        Entry entry = byPeer.get(key);
        if (entry == null) {
            return null;
        }
        if (!usable(entry.session())) {
            byPeer.remove(key);
            return null;
        }
        return new Cached(entry.session(), entry.der().clone());
    }

    private boolean usable(JtlsSession session) {
        return session.isValid() && (timeoutSeconds == 0
                || System.currentTimeMillis() - session.getCreationTime() < timeoutSeconds * 1000L);
    }

    private void trim() {
        Iterator<Entry> it = byPeer.values().iterator();
        while (it.hasNext()) {
            Entry entry = it.next();
            if (!usable(entry.session()) || (cacheSize > 0 && byPeer.size() > cacheSize)) {
                it.remove();
            }
        }
    }

    @Override
    public synchronized SSLSession getSession(byte[] sessionId) {
        if (sessionId == null) {
            throw new NullPointerException("sessionId");
        }
        for (Entry entry : byPeer.values()) {
            if (java.util.Arrays.equals(entry.session().getId(), sessionId) && usable(entry.session())) {
                return entry.session();
            }
        }
        return null;
    }

    @Override
    public synchronized Enumeration<byte[]> getIds() {
        List<byte[]> ids = new ArrayList<>();
        for (Map.Entry<String, Entry> entry : byPeer.entrySet()) {
            if (usable(entry.getValue().session())) {
                ids.add(entry.getValue().session().getId());
            }
        }
        return Collections.enumeration(ids);
    }

    @Override
    public synchronized void setSessionTimeout(int seconds) {
        if (seconds < 0) {
            throw new IllegalArgumentException("timeout must not be negative: " + seconds);
        }
        timeoutSeconds = seconds;
        trim();
    }

    @Override
    public synchronized int getSessionTimeout() {
        return timeoutSeconds;
    }

    @Override
    public synchronized void setSessionCacheSize(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
        cacheSize = size;
        trim();
    }

    @Override
    public synchronized int getSessionCacheSize() {
        return cacheSize;
    }
}
