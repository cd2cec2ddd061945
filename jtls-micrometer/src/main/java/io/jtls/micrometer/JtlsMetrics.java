package io.jtls.micrometer;

import io.jtls.TlsServer;
import io.jtls.TlsServerStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;

/**
 * A jtls server's {@link TlsServer#stats()} as Micrometer meters:
 *
 * <pre>{@code
 * JtlsMetrics.bind(server, registry, Tag.of("server", "api"));
 * }</pre>
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 * <tr><td>{@value #CONNECTIONS}</td><td>gauge</td><td></td><td>open connections</td></tr>
 * <tr><td>{@value #HANDSHAKES}</td><td>function counter</td><td>{@code protocol}, {@code resumed}
 *     ({@code true}/{@code false})</td><td>completed handshakes</td></tr>
 * <tr><td>{@value #FAILURES}</td><td>function counter</td><td>{@code code}</td><td>failed handshakes by
 *     Node's error code ({@link TlsServerStats#failuresByCode()})</td></tr>
 * <tr><td>{@value #RESUMPTION_RATIO}</td><td>gauge</td><td></td><td>resumed / completed, 0 to 1</td></tr>
 * <tr><td>{@value #BYTES_RECEIVED}, {@value #BYTES_SENT}</td><td>function counter</td><td></td><td>bytes
 *     on the wire, closed connections included</td></tr>
 * </table>
 *
 * Every meter reads the server when the registry reads it (Micrometer's function meters), so
 * nothing is counted twice and the server's handshakes pay nothing for the binding. TLS 1.2 and
 * 1.3 have their meters from the start; a protocol or failure code seen for the first time gets
 * its meter at the next reading of any of these meters (one scrape later, with its full count).
 * Each reading takes one {@link TlsServer#stats()}, whose cost grows with the open connections
 * (their byte counts are summed). The registry keeps the server reachable through these meters,
 * so a closed server goes on reporting its final figures until its meters are removed.
 */
public final class JtlsMetrics implements MeterBinder {
    /** Open connections. */
    public static final String CONNECTIONS = "jtls.server.connections";
    /** Completed handshakes, by {@code protocol} and {@code resumed}. */
    public static final String HANDSHAKES = "jtls.server.handshakes";
    /** Failed handshakes, by {@code code}. */
    public static final String FAILURES = "jtls.server.handshake.failures";
    /** Resumed over completed handshakes. */
    public static final String RESUMPTION_RATIO = "jtls.server.handshakes.resumption.ratio";
    /** Bytes received from clients. */
    public static final String BYTES_RECEIVED = "jtls.server.bytes.received";
    /** Bytes sent to clients. */
    public static final String BYTES_SENT = "jtls.server.bytes.sent";

    /** The protocols that have meters before any handshake. */
    static final List<String> KNOWN_PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");

    private final TlsServer server;
    private final Tags tags;
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    private final Set<String> protocols = ConcurrentHashMap.newKeySet();
    private final Set<String> codes = ConcurrentHashMap.newKeySet();

    /**
     * Meters for {@code server}, each with {@code tags} (to tell several servers apart).
     *
     * @param server the server to read
     * @param tags   tags every meter carries
     */
    public JtlsMetrics(TlsServer server, Iterable<Tag> tags) {
        this.server = Objects.requireNonNull(server, "server");
        this.tags = Tags.of(tags);
    }

    /**
     * Binds {@code server}'s meters to {@code registry}.
     *
     * @param server   the server to read
     * @param registry where the meters go
     * @param tags     tags every meter carries
     * @return the binder, which may be bound to more registries
     */
    public static JtlsMetrics bind(TlsServer server, MeterRegistry registry, Tag... tags) {
        JtlsMetrics metrics = new JtlsMetrics(server, List.of(tags));
        metrics.bindTo(registry);
        return metrics;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        registries.add(registry);
        Gauge.builder(CONNECTIONS, server, s -> read(s).connectionsOpen()).tags(tags)
                .description("Open connections of the jtls server").baseUnit(BaseUnits.CONNECTIONS).register(registry);
        Gauge.builder(RESUMPTION_RATIO, server, s -> read(s).resumptionRate()).tags(tags)
                .description("Resumed handshakes over completed handshakes").register(registry);
        counter(registry, BYTES_RECEIVED, "Bytes received from clients, closed connections included", BaseUnits.BYTES,
                Tags.empty(), s -> read(s).bytesIn());
        counter(registry, BYTES_SENT, "Bytes sent to clients, closed connections included", BaseUnits.BYTES,
                Tags.empty(), s -> read(s).bytesOut());
        for (String protocol : KNOWN_PROTOCOLS) {
            registerProtocol(registry, protocol);
        }
        TlsServerStats now = server.stats();
        for (String protocol : now.completedByProtocol().keySet()) {
            registerProtocol(registry, protocol);
        }
        for (String code : now.failuresByCode().keySet()) {
            registerCode(registry, code);
        }
    }

    /** {@code server.stats()}, and meters for what it shows for the first time. */
    private TlsServerStats read(TlsServer s) {
        TlsServerStats stats = s.stats();
        for (String protocol : stats.completedByProtocol().keySet()) {
            if (!protocols.contains(protocol)) {
                registries.forEach(r -> registerProtocol(r, protocol));
            }
        }
        for (String code : stats.failuresByCode().keySet()) {
            if (!codes.contains(code)) {
                registries.forEach(r -> registerCode(r, code));
            }
        }
        return stats;
    }

    private void registerProtocol(MeterRegistry registry, String protocol) {
        protocols.add(protocol);
        counter(registry, HANDSHAKES, "Completed handshakes", "handshakes",
                Tags.of("protocol", protocol, "resumed", "false"),
                s -> {
                    TlsServerStats stats = read(s);
                    return count(stats.completedByProtocol(), protocol) - count(stats.resumedByProtocol(), protocol);
                });
        counter(registry, HANDSHAKES, "Completed handshakes", "handshakes",
                Tags.of("protocol", protocol, "resumed", "true"), s -> count(read(s).resumedByProtocol(), protocol));
    }

    private void registerCode(MeterRegistry registry, String code) {
        codes.add(code);
        counter(registry, FAILURES, "Failed handshakes by Node's error code", "handshakes", Tags.of("code", code),
                s -> count(read(s).failuresByCode(), code));
    }

    private void counter(MeterRegistry registry, String name, String description, String unit, Tags extra,
                         ToDoubleFunction<TlsServer> value) {
        FunctionCounter.builder(name, server, value).tags(tags.and(extra)).description(description).baseUnit(unit)
                .register(registry);
    }

    private static long count(Map<String, Long> counts, String key) {
        return counts.getOrDefault(key, 0L);
    }
}
