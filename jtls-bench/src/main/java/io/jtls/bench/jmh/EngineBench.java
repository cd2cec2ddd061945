package io.jtls.bench.jmh;

import io.jtls.internal.engine.TlsEngine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine alone (no sockets, no loop): a client and a server {@link TlsEngine} in memory,
 * the same four handshake configurations and the 16 KiB records as the OpenSSL floor program
 * ({@code /work/shared/bench/floor.sh}). The primary score is the time of the whole operation
 * (both sides); the {@code server_us} secondary score is the server's CPU alone per operation,
 * the figure to put beside the floor's. Run with {@code scripts/jmh.sh} (not part of the tests).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:+UseCompactObjectHeaders"})
public class EngineBench {
    /** full13, resumed13, full12, ticket12: as floor.sh's modes. */
    @Param({"full13", "resumed13", "full12", "ticket12"})
    public String mode;

    /** Made by JMH. */
    public EngineBench() {}

    private EnginePair pair;
    private TlsEngine[] established;
    private final ByteBuffer record = ByteBuffer.allocateDirect(16 * 1024);

    /** The server's CPU per operation, in microseconds (reported beside the primary score). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class ServerCpu {
        /** Server CPU microseconds summed over the iteration; JMH divides nothing: see ops. */
        public double server_us;
        /** Operations in the iteration, to divide {@link #server_us} by. */
        public long ops;

        /** Made by JMH. */
        public ServerCpu() {}

        /** Zero at the start of each iteration: JMH reports the iteration's sums. */
        @Setup(Level.Iteration)
        public void clear() {
            server_us = 0;
            ops = 0;
        }
    }

    /**
     * The contexts, a first session to resume, and an established pair for the record benchmarks.
     *
     * @throws IOException when the bench certificates cannot be read
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        pair = new EnginePair(mode.endsWith("12") ? "TLSv1.2" : "TLSv1.3");
        pair.close(pair.handshake(resume())); // the first session to resume
        established = pair.handshake(false);
        pair.resetServerNanos();
    }

    /** Frees the established pair and the contexts. */
    @TearDown(Level.Trial)
    public void tearDown() {
        pair.close(established);
        pair.closeContexts();
    }

    private boolean resume() {
        return mode.startsWith("resumed") || mode.startsWith("ticket");
    }

    /**
     * One handshake (both engines made, driven to ESTABLISHED, freed).
     *
     * @param cpu where the server's share is added up
     */
    @Benchmark
    public void handshake(ServerCpu cpu) {
        long before = pair.serverNanos();
        pair.close(pair.handshake(resume()));
        cpu.server_us += (pair.serverNanos() - before) / 1000.0;
        cpu.ops++;
    }

    /**
     * The server encrypts one full 16 KiB record and hands out its ciphertext.
     *
     * @param cpu where the server's share is added up
     */
    @Benchmark
    public void serverEncryptRecord(ServerCpu cpu) {
        long before = pair.serverNanos();
        pair.serverWrite(established[1], record.clear());
        cpu.server_us += (pair.serverNanos() - before) / 1000.0;
        cpu.ops++;
    }

    /**
     * The client encrypts one 16 KiB record; the server takes it in and decrypts it.
     *
     * @param cpu where the server's share is added up
     */
    @Benchmark
    public void serverDecryptRecord(ServerCpu cpu) {
        long before = pair.serverNanos();
        pair.serverRead(established[0], established[1], record.clear());
        cpu.server_us += (pair.serverNanos() - before) / 1000.0;
        cpu.ops++;
    }
}
