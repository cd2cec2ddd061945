package io.jtls.cli;

import io.jtls.examples.InMemoryHandshakeDemo;
import io.jtls.examples.LoopbackDemo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jtls demo}: the README's main job, what {@code scripts/demo.sh} runs. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The main job (scripts/demo.sh): mutual TLS, SNI and ALPN on loopback.",
                "%nA CA, a server and clients on loopback with mutual TLS, SNI with two host names and ALPN, "
                + "printing what each side sees."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--in-memory", description = "The engine demo instead: a mutual-TLS handshake in memory, no sockets.")
    boolean inMemory;

    @Override
    public Integer call() throws Exception {
        if (inMemory) {
            InMemoryHandshakeDemo.main(new String[0]);
        } else {
            LoopbackDemo.run(System.out);
        }
        return 0;
    }
}
