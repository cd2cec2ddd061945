package io.jtls.cli;

import io.jtls.Tls;
import io.jtls.internal.openssl.OpenSsl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;

/**
 * {@code jtls version}: jtls's version, the OpenSSL it found and the files it loaded (read from
 * the process's own memory map, so it is the library actually in use, whatever
 * {@code JTLS_OPENSSL_DIR} or the dynamic linker chose), and the Java running it.
 */
@Command(name = "version", mixinStandardHelpOptions = true,
        description = "jtls's version, the OpenSSL found and where it was loaded from, and the Java runtime.")
final class VersionCommand implements Callable<Integer> {
    @Option(names = "--json", description = "As one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("jtls", jtlsVersion());
        facts.put("java", System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.vendor") + ")");
        if (!Tls.isAvailable()) {
            facts.put("openssl", null);
            Output.line(json ? Json.write(facts) : "jtls " + facts.get("jtls") + "\njava " + facts.get("java"));
            Tls.openSslVersion(); // throws the loader's message: what is missing and how to point jtls at it
            return 1;
        }
        facts.put("openssl", OpenSsl.versionText());
        facts.put("opensslVersionNumber", String.format("0x%08x", OpenSsl.versionNumber()));
        facts.put("libssl", loaded("libssl.so"));
        facts.put("libcrypto", loaded("libcrypto.so"));
        if (json) {
            Output.line(Json.write(facts));
        } else {
            Output.line("jtls " + facts.get("jtls"));
            Output.line("OpenSSL " + Tls.openSslVersion() + " (" + facts.get("openssl") + ", " + facts.get("opensslVersionNumber") + ")");
            Output.line("libssl " + facts.get("libssl"));
            Output.line("libcrypto " + facts.get("libcrypto"));
            Output.line("java " + facts.get("java"));
        }
        return 0;
    }

    /** The version in the jar's manifest, "development" when run from classes. */
    static String jtlsVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    /** The path of the mapped library whose file name starts with {@code prefix}, or "unknown". */
    static String loaded(String prefix) {
        try {
            List<String> maps = Files.readAllLines(Path.of("/proc/self/maps"));
            for (String line : maps) {
                int slash = line.indexOf('/');
                if (slash < 0) continue;
                String path = line.substring(slash);
                if (Path.of(path).getFileName().toString().startsWith(prefix)) return path;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc not mounted
        }
        return "unknown";
    }

    /** {@code jtls --version}. */
    static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"jtls " + jtlsVersion()};
        }
    }
}
