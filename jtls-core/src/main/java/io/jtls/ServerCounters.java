package io.jtls;

import io.jtls.internal.util.ThreadShardedMap;
import io.jtls.net.Socket;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters behind {@link TlsServer#stats()}. Every loop of a server updates them at once,
 * so none is a shared word that loops fight over: each count is a {@link LongAdder} (striped
 * per thread under contention), found in a map by protocol or code with a lock-free read, the
 * open connections are kept per loop ({@link ThreadShardedMap}), and nothing here is touched per
 * byte. Bytes are the raw sockets' own counters: added here when
 * a connection closes, read live for the open ones when a snapshot is taken.
 */
final class ServerCounters {
    /** Distinct failure codes kept apart; the rest count under {@link #OTHER} (a peer cannot grow the map). */
    static final int MAX_CODES = 64;
    static final String OTHER = "other";

    private final Map<String, LongAdder> completed = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> resumed = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    /** Open connections, sharded by the loop that opened them (each loop adds and removes its own). */
    private final ThreadShardedMap<Socket, Socket> open = new ThreadShardedMap<>();
    private final LongAdder closedBytesIn = new LongAdder();
    private final LongAdder closedBytesOut = new LongAdder();
    /** Closes begun and finished: a snapshot that saw both equal saw no connection move from open to closed. */
    private final LongAdder closesBegun = new LongAdder();
    private final LongAdder closesDone = new LongAdder();

    /** A connection was accepted (its loop). */
    void opened(Socket raw) {
        open.put(raw, raw);
    }

    /** The connection closed (its loop): its bytes move from the open to the closed sum. */
    void closed(Socket raw) {
        closesBegun.increment();
        closedBytesIn.add(raw.bytesRead());
        closedBytesOut.add(raw.bytesWritten());
        open.remove(raw);
        closesDone.increment();
    }

    /** A handshake completed ('secureConnection'). */
    void completed(String protocol, boolean wasResumed) {
        String key = protocol == null ? "unknown" : protocol;
        adder(completed, key).increment();
        if (wasResumed) {
            adder(resumed, key).increment();
        }
    }

    /** A handshake failed ('tlsClientError') with {@code code}. */
    void failed(String code) {
        LongAdder counter = failures.get(code);
        if (counter == null) {
            counter = failures.size() >= MAX_CODES ? adder(failures, OTHER) : adder(failures, code);
        }
        counter.increment();
    }

    private static LongAdder adder(Map<String, LongAdder> counters, String key) {
        LongAdder counter = counters.get(key); // lock-free for a key seen before: every call but the first
        return counter != null ? counter : counters.computeIfAbsent(key, k -> new LongAdder());
    }

    /**
     * A snapshot. The bytes of open connections are read from their sockets without stopping
     * their loops (a count may miss the last bytes in flight). A connection closing while they are
     * summed would be counted twice or not at all, so the sum is taken again until no close ran
     * across it: closes are a few hundred nanoseconds, but a loop may be descheduled in the middle
     * of one, so after a few quick tries this thread yields to it rather than give up (a reader
     * that gave up would report a sum that later goes back, which counters must never do).
     */
    TlsServerStats snapshot(int connectionsOpen) {
        long in;
        long out;
        for (int attempt = 0; ; attempt++) {
            long done = closesDone.sum();
            in = closedBytesIn.sum();
            out = closedBytesOut.sum();
            long[] openBytes = new long[2];
            open.forEach((s, same) -> {
                openBytes[0] += s.bytesRead();
                openBytes[1] += s.bytesWritten();
            });
            in += openBytes[0];
            out += openBytes[1];
            if (closesBegun.sum() == done) {
                break;
            }
            if (attempt < 64) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // a close was interrupted half-way: let its loop finish it
            }
        }
        long completedTotal = 0;
        long resumedTotal = 0;
        long failedTotal = 0;
        Map<String, Long> byProtocol = counts(completed);
        Map<String, Long> resumedByProtocol = counts(resumed);
        Map<String, Long> byCode = counts(failures);
        for (long n : byProtocol.values()) {
            completedTotal += n;
        }
        for (long n : resumedByProtocol.values()) {
            resumedTotal += n;
        }
        for (long n : byCode.values()) {
            failedTotal += n;
        }
        return new TlsServerStats(connectionsOpen, completedTotal, resumedTotal, byProtocol, resumedByProtocol,
                failedTotal, byCode, in, out);
    }

    private static Map<String, Long> counts(Map<String, LongAdder> counters) {
        Map<String, Long> result = new HashMap<>();
        counters.forEach((key, counter) -> result.put(key, counter.sum()));
        return result;
    }
}
