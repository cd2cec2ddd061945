package io.jtls.bench;

import io.jtls.TlsServer;
import io.jtls.net.EventLoopGroup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The bench server's AOT training run (JDK 25, JEP 483/514/515): every mode of
 * {@link BenchServer} in one JVM, so that one {@code -XX:AOTCacheOutput} run records the classes
 * and the method profiles of all the paths the anchors measure — handshakes (EC and RSA
 * certificates), sending and receiving bulk data. {@code scripts/aot-train.sh} starts it with the
 * bench server's JVM flags and drives each port with the harness's own load generator; a later
 * {@code scripts/bench-server.sh} starts with {@code -XX:AOTCache}, so its JIT compiles the hot
 * paths from the first connections instead of after seconds of profiling.
 *
 * <p>Prints {@code listening ECHO_EC ECHO_RSA SOURCE SINK} (four ports, flushed) once all listen;
 * ends after {@code --lifetime} seconds or at SIGTERM (the JVM writes the cache as it exits).
 * Takes the bench server's options; {@code --port}, {@code --cert} and {@code --mode} are set per
 * listener.
 */
public final class TrainingServer {
    private TrainingServer() {}

    /**
     * Starts the four listeners.
     *
     * @param args the bench server's options ({@link BenchOptions}); {@code --bytes} is what the
     *     source listener sends per connection
     * @throws Exception if a listener cannot be created
     */
    public static void main(String[] args) throws Exception {
        BenchOptions base = BenchOptions.parse(args);
        String certsDir = System.getenv("CERTS_DIR");
        Path certDir = Path.of(certsDir == null || certsDir.isEmpty() ? "certs" : certsDir);
        List<TlsServer> servers = start(args, certDir,
                new EventLoopGroup("bench-loop", Runtime.getRuntime().availableProcessors()));
        StringBuilder line = new StringBuilder("listening");
        for (TlsServer server : servers) {
            line.append(' ').append(server.address().port());
        }
        System.out.println(line);
        System.out.flush();
        Thread.sleep((long) (base.lifetimeSeconds() * 1000));
        System.exit(0);
    }

    /**
     * Builds the four listeners as {@link BenchServer#create} builds one, and waits until all
     * listen on ephemeral ports of {@code --host}.
     *
     * @param args the bench server's options
     * @param certDir the folder of {@code server-{ec,rsa}.{key,crt}}
     * @param group the loops the servers run on
     * @return the servers, in the order echo (EC), echo (RSA), source, sink
     * @throws Exception if a listener cannot be created or does not listen within 30 s
     */
    static List<TlsServer> start(String[] args, Path certDir, EventLoopGroup group) throws Exception {
        String[][] listeners = {{"ec", "echo"}, {"rsa", "echo"}, {"ec", "source"}, {"ec", "sink"}};
        List<TlsServer> servers = new ArrayList<>();
        CountDownLatch listening = new CountDownLatch(listeners.length);
        for (String[] listener : listeners) {
            BenchOptions opt = BenchOptions.parse(withOverrides(args, listener[0], listener[1]), System.getenv());
            TlsServer server = BenchServer.create(opt, certDir, group);
            servers.add(server);
            server.listen(0, opt.host(), 1024, listening::countDown);
        }
        if (!listening.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("the listeners did not start");
        return servers;
    }

    private static List<String> withOverrides(String[] args, String cert, String mode) {
        List<String> out = new ArrayList<>(List.of(args));
        out.addAll(List.of("--cert", cert, "--mode", mode, "--port", "0"));
        return out;
    }
}
