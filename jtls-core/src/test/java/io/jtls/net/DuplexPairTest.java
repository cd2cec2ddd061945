package io.jtls.net;

import static io.jtls.net.NetTesting.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Node's {@code stream.duplexPair()}: two in-memory ends, with backpressure and Node's end/close order. */
class DuplexPairTest {
    private static final EventLoop LOOP = new EventLoop("duplex-pair-test");

    @AfterAll
    static void stopLoop() throws InterruptedException {
        LOOP.shutdown();
        LOOP.awaitTermination(Duration.ofSeconds(5));
    }

    /** Runs {@code task} on the loop and waits: the ends' state is the loop's. */
    private static <T> T onLoop(java.util.function.Supplier<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        LOOP.execute(() -> result.complete(task.get()));
        return await(result);
    }

    @Test
    void aPausedReaderPushesBackAndEveryByteArrivesInOrderOnceItReads() {
        DuplexPair pair = new DuplexPair(LOOP);
        DuplexPair.Side writer = pair.first();
        DuplexPair.Side reader = pair.second();
        byte[] payload = new byte[256 * 1024];
        new Random(7).nextBytes(payload);
        ByteBuffer received = ByteBuffer.allocate(payload.length);
        CompletableFuture<Void> drained = new CompletableFuture<>();
        writer.on(Duplex.DRAIN, () -> drained.complete(null));
        NetTesting.Recorder writerEvents = new NetTesting.Recorder(writer);
        NetTesting.Recorder readerEvents = new NetTesting.Recorder(reader);

        boolean fullBeforeAnyReader = onLoop(() -> {
            boolean full = false;
            for (int off = 0; off < payload.length; off += 4096) {
                full |= !writer.write(ByteBuffer.wrap(payload, off, 4096));
            }
            writer.end();
            return full;
        });
        assertTrue(fullBeforeAnyReader, "nobody reads: writes must push back");
        assertEquals(payload.length, writer.writableLength(), "nothing is taken while nobody reads");

        reader.on(Duplex.DATA, received::put);
        await(drained);
        reader.end();
        assertFalse(await(writerEvents.closed));
        assertArrayEquals(payload, received.array());
        assertEquals(payload.length, reader.bytesRead());
        assertEquals(List.of("end"), List.copyOf(readerEvents.events).subList(0, 1)); // a snapshot: the loop may still add "close"
        // Node's _final: the writer's 'finish' follows the reader's 'end'.
        assertEquals("finish", writerEvents.events.get(0));
    }

    @Test
    void endsAreHalfOpenLikeANodeDuplex() {
        DuplexPair pair = new DuplexPair(LOOP);
        assertTrue(pair.first().allowHalfOpen());
        NetTesting.Recorder second = new NetTesting.Recorder(pair.second()).readAll(pair.second());
        NetTesting.Recorder first = new NetTesting.Recorder(pair.first()).readAll(pair.first());
        CompletableFuture<Void> ended = new CompletableFuture<>();
        // The second end answers after the first ended: its writable side stayed open.
        pair.second().on(Duplex.END, () -> {
            pair.second().end("answer after end");
            ended.complete(null);
        });
        pair.first().end("request");
        await(ended);
        assertFalse(await(first.closed));
        assertFalse(await(second.closed));
        assertEquals("request", second.data());
        assertEquals("answer after end", first.data());
    }

    @Test
    void destroyingOneEndDeliversWhatItWroteThenEndsTheOther() {
        DuplexPair pair = new DuplexPair(LOOP);
        NetTesting.Recorder other = new NetTesting.Recorder(pair.second()).readAll(pair.second());
        CompletableFuture<Throwable> lateWrite = new CompletableFuture<>();
        pair.second().on(Duplex.END, () -> pair.second().write(ByteBuffer.wrap(new byte[] {1}), lateWrite::complete));
        onLoop(() -> {
            pair.first().write("last words"); // still queued in the pair when the end is destroyed
            pair.first().destroy();
            return null;
        });
        Throwable error = await(lateWrite);
        assertEquals("ERR_STREAM_DESTROYED", ((NetException) error).code());
        pair.second().end();
        assertFalse(await(other.closed));
        assertEquals("last words", other.data());
        assertEquals(List.of("end", "finish", "close:false"), other.events);
    }

    @Test
    void onlyTwoFreshEndsOfOneLoopMakeAPair() {
        EventLoop elsewhere = EventLoopGroup.defaultGroup().next();
        assertThrows(IllegalArgumentException.class,
                () -> new DuplexPair(new DuplexPair.Side(LOOP), new DuplexPair.Side(elsewhere)));
        DuplexPair.Side side = new DuplexPair.Side(LOOP);
        assertThrows(IllegalArgumentException.class, () -> new DuplexPair(side, side));
        DuplexPair pair = new DuplexPair(LOOP);
        assertThrows(IllegalArgumentException.class, () -> new DuplexPair(pair.first(), side));
    }
}
