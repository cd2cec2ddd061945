package io.jtls;

import static io.jtls.TlsTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.net.Duplex;
import io.jtls.net.EventLoop;
import io.jtls.net.EventLoopGroup;
import io.jtls.net.OnRead;
import io.jtls.support.NativeLeakCheck;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12's "no zeroed heap array per chunk": on the steady-state bulk path, the loop thread
 * that receives with {@code onread} (or a server's raw reader), or that sends one reused direct
 * buffer with {@code writeBorrowed}, allocates (almost) nothing per record. Measured as a count,
 * not a time: the bytes the loop thread allocated ({@code ThreadMXBean}) over 64 MiB, after
 * 8 MiB of warm-up, per MiB. Each side runs on a loop of its own, serving only this connection.
 * The figures are printed; {@code 'data'} with one listener is measured beside them (one heap
 * chunk per read, which the listener owns, as Node's listener owns its Buffer).
 */
class DataPathAllocationTest {
    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final long MIB = 1 << 20;
    private static final long WARM_UP = 8 * MIB;
    private static final long MEASURED = 64 * MIB;
    private static final long TOTAL = WARM_UP + MEASURED + 2 * MIB; // the window closes before the stream ends
    /**
     * Per MiB received: a few small objects per record at most (today a memory segment view per
     * engine call, 4 to 7 KiB per MiB once compiled), against a MiB for a heap chunk per read.
     * Loose enough for code that is not compiled yet on a busy machine (C2's escape analysis
     * removes some of them).
     */
    private static final long BOUND_PER_MIB = 16 * 1024;
    /**
     * Per MiB sent with {@code writeBorrowed}: what the kernel cannot take at once is copied
     * (the rest of a borrowed buffer must outlive the call), 35 to 60 KiB per MiB here; the
     * bound says that most bytes go out uncopied.
     */
    private static final long SEND_BOUND_PER_MIB = MIB / 4;

    private EventLoopGroup serverGroup;
    private EventLoop clientLoop;

    @BeforeEach
    void loops() {
        serverGroup = new EventLoopGroup("alloc-server", 1);
        clientLoop = new EventLoop("alloc-client");
    }

    @AfterEach
    void stopLoops() {
        serverGroup.shutdown();
        clientLoop.shutdown();
    }

    private static long allocatedHere() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** Counts bytes on one loop thread and measures its allocation over the window [WARM_UP, WARM_UP + MEASURED). */
    private static final class Window {
        final String what;
        final CompletableFuture<Long> perMib = new CompletableFuture<>();
        long bytes;
        long start;

        Window(String what) {
            this.what = what;
        }

        void add(long n) {
            long before = bytes;
            bytes += n;
            if (before < WARM_UP && bytes >= WARM_UP) {
                start = allocatedHere();
                bytes = WARM_UP; // the window counts from here
            } else if (before < WARM_UP + MEASURED && bytes >= WARM_UP + MEASURED && start != 0) {
                long allocated = allocatedHere() - start;
                long measuredBytes = bytes - WARM_UP;
                long result = allocated * MIB / measuredBytes;
                System.out.printf("%s: %,d bytes allocated by the loop thread over %,d bytes: %,d per MiB%n",
                        what, allocated, measuredBytes, result);
                perMib.complete(result);
            }
        }
    }

    /**
     * Writes {@link #TOTAL} bytes from one reused direct buffer with {@code writeBorrowed}, on the
     * loop, waiting for 'drain' with one listener registered once (no allocation per round).
     */
    private static void pump(Duplex socket, Window window) {
        ByteBuffer block = ByteBuffer.allocateDirect(64 * 1024);
        for (int i = 0; i < block.capacity(); i++) block.put(i, (byte) i);
        long[] sent = {0};
        Runnable[] round = new Runnable[1];
        round[0] = () -> {
            while (sent[0] < TOTAL) {
                block.clear();
                boolean more = socket.writeBorrowed(block);
                sent[0] += block.capacity();
                if (window != null) window.add(block.capacity());
                if (!more) return; // 'drain' calls this again
            }
            socket.off(Duplex.DRAIN, round[0]);
            socket.end();
        };
        socket.on(Duplex.DRAIN, round[0]);
        socket.loop().execute(round[0]);
    }

    private TlsServerOptions.Builder server() {
        return serverWith(SERVER_EC).group(serverGroup);
    }

    /** A client on its own loop receiving the server's {@link #pump} with {@code setup}'s read path. */
    private void receive(String what, Consumer<TlsConnectOptions.Builder> options, Consumer<TlsSocket> setup,
                         Window send) {
        TlsServer server = Tls.createServer(server().build(), socket -> pump(socket, send));
        try (Closing c = closing(server)) {
            int port = listen(server);
            CompletableFuture<Boolean> closed = new CompletableFuture<>();
            TlsConnectOptions.Builder b = clientTo(port).loop(clientLoop);
            options.accept(b);
            Tls.connect(b.build(), s -> {
                s.on(Duplex.CLOSE, closed::complete);
                setup.accept(s);
            }, null);
            assertFalse(await(closed, TIMEOUT)); // closed before its loop stops: nothing native left behind
        }
    }

    @Test
    void onreadWithADirectBufferAllocatesNothingPerRecordAndNeitherDoesWriteBorrowed() {
        Window receiving = new Window("receive, onread with a direct buffer");
        Window sending = new Window("send, writeBorrowed of one direct buffer");
        ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        receive("onread", b -> b.onread(OnRead.of(buffer, (n, buf) -> {
            receiving.add(n);
            return true;
        })), s -> { }, sending);
        long received = await(receiving.perMib, Duration.ZERO);
        long sent = await(sending.perMib, Duration.ZERO);
        assertTrue(received < BOUND_PER_MIB, "onread: " + received + " bytes allocated per MiB received");
        assertTrue(sent < SEND_BOUND_PER_MIB, "writeBorrowed: " + sent + " bytes allocated per MiB sent");
    }

    @Test
    void onreadWithAHeapBufferAllocatesNothingPerRecord() {
        Window receiving = new Window("receive, onread with a heap buffer");
        byte[] buffer = new byte[16 * 1024];
        receive("onread heap", b -> b.onread(OnRead.of(buffer, (n, buf) -> {
            receiving.add(n);
            return true;
        })), s -> { }, null);
        long received = await(receiving.perMib, Duration.ZERO);
        assertTrue(received < BOUND_PER_MIB, "onread: " + received + " bytes allocated per MiB received");
    }

    @Test
    void flowingWithoutADataListenerCopiesNothing() {
        // resume() with no 'data' listener: Node drops the bytes, and so does jtls, without
        // copying them first. No listener means nothing counts the bytes as they come: the
        // loop's allocation is taken from 'secureConnect' to 'end', over all of the stream.
        long[] at = new long[2];
        receive("resumed", b -> { }, s -> {
            s.once(TlsSocket.SECURE_CONNECT, () -> at[0] = allocatedHere());
            s.once(Duplex.END, () -> at[1] = allocatedHere());
            s.resume();
        }, null);
        long perMib = (at[1] - at[0]) * MIB / TOTAL;
        System.out.printf("receive, resume() and no 'data' listener: %,d bytes allocated by the loop thread over %,d bytes"
                + " (warm-up included): %,d per MiB%n", at[1] - at[0], TOTAL, perMib);
        assertTrue(at[1] != 0 && perMib < BOUND_PER_MIB, "no listener: " + perMib + " bytes allocated per MiB");
    }

    @Test
    void serverRawReaderAllocatesNothingPerRecord() {
        Window receiving = new Window("server receive, setRawReader on the TlsSocket");
        CompletableFuture<Void> ended = new CompletableFuture<>();
        TlsServer server = Tls.createServer(server().build(), socket -> {
            socket.on(Duplex.END, () -> {
                ended.complete(null);
                socket.end();
            });
            socket.setRawReader(b -> {
                receiving.add(b.remaining());
                b.position(b.limit());
            });
        });
        try (Closing c = closing(server)) {
            int port = listen(server);
            CompletableFuture<Boolean> closed = new CompletableFuture<>();
            Tls.connect(clientTo(port).loop(clientLoop).build(), s -> {
                s.on(Duplex.CLOSE, closed::complete);
                s.once(TlsSocket.SECURE_CONNECT, () -> pump(s, null)); // before the connection starts
            }, null);
            await(ended, TIMEOUT);
            assertFalse(await(closed, TIMEOUT)); // closed before its loop stops: nothing native left behind
        }
        long received = await(receiving.perMib, Duration.ZERO);
        assertTrue(received < BOUND_PER_MIB, "raw reader: " + received + " bytes allocated per MiB received");
    }

    @Test
    void dataWithOneListenerAllocatesTheChunkOnly() {
        Window receiving = new Window("receive, 'data' with one listener");
        receive("data", b -> { }, s -> s.on(Duplex.DATA, chunk -> receiving.add(chunk.remaining())), null);
        long received = await(receiving.perMib, Duration.ZERO);
        // the chunk the listener owns (a MiB of heap per MiB), and little else: no view per listener
        assertTrue(received >= MIB && received < MIB + BOUND_PER_MIB, "'data': " + received + " bytes allocated per MiB");
    }
}
