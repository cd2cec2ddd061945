package io.jtls.pki;

import io.jtls.support.ExternalProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The openssl CLI and node, run to completion in a folder by {@link ExternalProcess}. */
final class Cli {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Cli() {}

    static ExternalProcess.Result run(Path dir, String... command) {
        return ExternalProcess.run(dir, TIMEOUT, List.of(command));
    }

    static ExternalProcess.Result openssl(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        return ExternalProcess.run(dir, TIMEOUT, command);
    }
}
