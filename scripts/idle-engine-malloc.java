// Malloc bytes in use per idle server engine, in one process with no sockets: N client/server
// TlsEngine pairs over memory (TLS 1.3, the bench's EC certificate), each through its handshake,
// the tickets and one request/answer, then the clients closed and the N servers kept idle;
// glibc's mallinfo2 in use (held minus all closed again) / N. Counts, not times: the figure is
// the same to the byte from round to round. With "churn" it prints the total in use after each
// round of N pairs opened and closed (flat when nothing leaks).
//
//   . scripts/env.sh && mvn -B -o -ntp -q -pl jtls-core compile
//   java --enable-native-access=ALL-UNNAMED -cp jtls-core/target/classes scripts/idle-engine-malloc.java CERTS_DIR [N] [churn]
import io.jtls.Tls;
import io.jtls.context.SecureContextOptions;
import io.jtls.internal.context.SecureContexts;
import io.jtls.internal.engine.EngineState;
import io.jtls.internal.engine.TlsEngine;
import java.lang.foreign.*;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Malloc bytes in use per idle server engine after a TLS 1.3 handshake and one exchange (in-process, counts only). */
public class IdleEngineMalloc {
    static final StructLayout MALLINFO2 = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("arena"), ValueLayout.JAVA_LONG.withName("ordblks"), ValueLayout.JAVA_LONG.withName("smblks"),
            ValueLayout.JAVA_LONG.withName("hblks"), ValueLayout.JAVA_LONG.withName("hblkhd"), ValueLayout.JAVA_LONG.withName("usmblks"),
            ValueLayout.JAVA_LONG.withName("fsmblks"), ValueLayout.JAVA_LONG.withName("uordblks"), ValueLayout.JAVA_LONG.withName("fordblks"),
            ValueLayout.JAVA_LONG.withName("keepcost"));
    static final MethodHandle MALLINFO = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("mallinfo2").orElseThrow(), FunctionDescriptor.of(MALLINFO2));

    static long inUse() throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = (MemorySegment) MALLINFO.invokeExact((SegmentAllocator) a);
            return m.get(ValueLayout.JAVA_LONG, 7 * 8) + m.get(ValueLayout.JAVA_LONG, 4 * 8);
        }
    }

    static final ByteBuffer WIRE = ByteBuffer.allocateDirect(64 * 1024);

    static void transfer(TlsEngine from, TlsEngine to) {
        while (from.encPending() > 0) {
            WIRE.clear();
            from.encOut(WIRE);
            WIRE.flip();
            to.encIn(WIRE);
        }
    }

    public static void main(String[] args) throws Throwable {
        Path certs = Path.of(args[0]);
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        var server = SecureContexts.nativeOf(Tls.createSecureContext(SecureContextOptions.builder()
                .cert(Files.readString(certs.resolve("server-ec.crt"))).key(Files.readString(certs.resolve("server-ec.key"))).build()));
        var client = SecureContexts.nativeOf(Tls.createSecureContext(SecureContextOptions.builder()
                .ca(List.of(Files.readString(certs.resolve("ca-ec.crt")))).maxVersion("TLSv1.3").build()));
        ByteBuffer sink = ByteBuffer.allocateDirect(64 * 1024);
        for (int round = 0; round < 4; round++) {
            List<TlsEngine> servers = new ArrayList<>();
            List<TlsEngine> clients = new ArrayList<>();
            System.gc();
            long before = inUse();
            for (int i = 0; i < n; i++) {
                TlsEngine c = TlsEngine.client(client), s = TlsEngine.server(server);
                c.setServername("localhost");
                c.handshake();
                for (int k = 0; k < 8 && (c.state() != EngineState.ESTABLISHED || s.state() != EngineState.ESTABLISHED); k++) {
                    transfer(c, s); s.handshake(); transfer(s, c); c.handshake();
                }
                transfer(c, s);
                s.handshake();
                sink.clear(); s.clearOut(sink);
                transfer(s, c); // tickets
                sink.clear(); c.clearOut(sink);
                c.clearIn(ByteBuffer.wrap("GET /\n".getBytes()));
                transfer(c, s);
                sink.clear(); s.clearOut(sink);
                s.clearIn(ByteBuffer.wrap("200 OK\n".getBytes()));
                transfer(s, c);
                sink.clear(); c.clearOut(sink);
                servers.add(s);
                c.close(); // only the server side stays, idle
            }
            long held = inUse();
            servers.forEach(TlsEngine::close);
            if (args.length > 2) { System.out.printf("round %d: after closing all, malloc in use %d%n", round, inUse()); continue; }
            long closed = inUse();
            System.out.printf("round %d: %d idle server engines, malloc in use %+d B/engine (held - closed), %+d (held - before)%n",
                    round, n, (held - closed) / n, (held - before) / n);
        }
    }
}
