package io.jtls.net;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Run in a child JVM by {@link AcceptStarvationTest}, whose descriptor limit the parent lowers:
 * a server on one loop that greets each connection with {@code hi}. Commands on stdin:
 * {@code cpu MILLIS} prints the CPU time the loop thread used during that many milliseconds of
 * wall time ({@code cpu NANOS WALLNANOS}); {@code settle} waits until the server has no
 * connection left and every loop has polled twice since (a closed socket's descriptor is
 * released at its loop's next poll), then prints {@code settled}; {@code quit} exits. Prints
 * {@code listening PORT PID}, and {@code error CODE} for each server {@code 'error'} (a
 * listener, so that nothing is logged through files while no descriptor is left). With the
 * argument {@code reusePort} the server listens with that option on two loops, and {@code cpu}
 * sums both loop threads.
 */
public final class AcceptStarvationChild {
    private AcceptStarvationChild() {
    }

    public static void main(String[] args) throws Exception {
        // What a log line needs from files (time zone data, the logging set-up), loaded while
        // descriptors are still available.
        java.util.TimeZone.getDefault();
        System.getLogger(AcceptStarvationChild.class.getName()).log(System.Logger.Level.INFO, "starting");
        boolean reusePort = args.length > 0 && args[0].equals("reusePort");
        EventLoopGroup group = new EventLoopGroup("starved", reusePort ? 2 : 1);
        List<Long> tids = new ArrayList<>();
        for (EventLoop loop : group.loops()) {
            CompletableFuture<Long> loopThread = new CompletableFuture<>();
            loop.execute(() -> loopThread.complete(Thread.currentThread().threadId()));
            tids.add(loopThread.get());
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Server server = Net.createServer(ServerOptions.builder().group(group).build(), socket -> {
            socket.resume(); // reads the client's EOF: the connection then ends and frees its descriptor
            socket.write(ByteBuffer.wrap("hi\n".getBytes(StandardCharsets.US_ASCII)));
        });
        server.on(EventEmitter.ERROR, e -> System.out.println("error " + ((NetException) e).code()));
        server.listen(ListenOptions.builder().port(0).host("127.0.0.1").reusePort(reusePort).build(),
                () -> System.out.println("listening " + server.address().port() + " " + ProcessHandle.current().pid()));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith("cpu ")) {
                long wall0 = System.nanoTime();
                long cpu0 = cpuTime(threads, tids);
                Thread.sleep(Long.parseLong(line.substring(4)));
                long cpu = cpuTime(threads, tids) - cpu0;
                System.out.println("cpu " + cpu + " " + (System.nanoTime() - wall0));
            } else if (line.equals("settle")) {
                while (server.connections() > 0) Thread.sleep(5);
                for (EventLoop loop : group.loops()) {
                    for (int turn = 0; turn < 2; turn++) {
                        CompletableFuture<Void> turned = new CompletableFuture<>();
                        loop.execute(() -> loop.schedule(java.time.Duration.ZERO,
                                () -> loop.execute(() -> turned.complete(null))));
                        turned.get();
                    }
                }
                System.out.println("settled");
            } else if (line.equals("quit")) {
                break;
            }
        }
        System.exit(0);
    }

    /** CPU nanoseconds the loop threads have used, together. */
    private static long cpuTime(ThreadMXBean threads, List<Long> tids) {
        long sum = 0;
        for (long tid : tids) sum += threads.getThreadCpuTime(tid);
        return sum;
    }
}
