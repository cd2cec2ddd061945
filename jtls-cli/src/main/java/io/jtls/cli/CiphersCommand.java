package io.jtls.cli;

import io.jtls.SecureContext;
import io.jtls.Tls;
import io.jtls.context.SecureContextOptions;
import io.jtls.internal.context.SecureContexts;
import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.SslCalls;
import io.jtls.internal.openssl.SslCtxCalls;
import io.jtls.internal.openssl.StackCalls;
import io.jtls.internal.openssl.Types;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jtls ciphers}: what {@code openssl ciphers -s [-v]} prints for a cipher string, as jtls
 * applies it. The string goes through a real secure context (Node's split into TLS 1.3 suites
 * and the rest, Node's security level, the versions given), and the list is what a connection
 * from that context could use, in preference order.
 */
@Command(name = "ciphers", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The ciphers a cipher string enables through jtls (like openssl ciphers -s).",
                "%nIn preference order: colon-separated, or one per line with the protocol version and "
                + "standard name (-v)."})
final class CiphersCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "CIPHERS", description = "Cipher string (default: Node's default, tls.DEFAULT_CIPHERS).")
    String ciphers;

    @Option(names = {"-v", "--verbose"}, description = "One cipher a line: OpenSSL name, standard (IANA) name, version.")
    boolean verbose;

    @Option(names = "--min", paramLabel = "VERSION", description = "Lowest TLS version (TLSv1.2, TLSv1.3).")
    String minVersion;

    @Option(names = "--max", paramLabel = "VERSION", description = "Highest TLS version (TLSv1.2, TLSv1.3).")
    String maxVersion;

    /** One cipher as OpenSSL describes it. */
    record Cipher(String name, String standardName, String version) {}

    @Override
    public Integer call() {
        SecureContextOptions.Builder options = SecureContextOptions.builder();
        if (ciphers != null) options.ciphers(ciphers);
        if (minVersion != null) options.minVersion(TlsFlags.version(minVersion));
        if (maxVersion != null) options.maxVersion(TlsFlags.version(maxVersion));
        List<Cipher> list;
        try (SecureContext context = Tls.createSecureContext(options.build())) {
            list = supported(SecureContexts.nativeOf(context).sslCtx());
        }
        if (verbose) {
            int width = list.stream().mapToInt(c -> c.name().length()).max().orElse(0);
            for (Cipher c : list) {
                Output.line(String.format("%-" + width + "s  %-9s %s", c.name(), c.version(), c.standardName()));
            }
        } else {
            Output.line(String.join(":", list.stream().map(Cipher::name).toList()));
        }
        return 0;
    }

    /**
     * The ciphers a client {@code SSL} made from {@code ctx} could use
     * ({@code SSL_get1_supported_ciphers}, what {@code openssl ciphers -s} lists): the cipher
     * string as applied, within the context's versions and security level, without the PSK and
     * SRP ciphers no callback enables. The context is only read.
     */
    private static List<Cipher> supported(MemorySegment ctx) {
        ErrorQueue.clear();
        MemorySegment ssl = SslCalls.SSL_new(ctx);
        if (Types.isNull(ssl)) throw ErrorQueue.exception("SSL_new", "ERR_OSSL_MALLOC_FAILURE");
        try (NativeHandle owned = NativeHandle.own(NativeKind.SSL, ssl)) {
            SslCalls.SSL_set_connect_state(owned.get()); // a client's view, as openssl ciphers -s
            // A new stack of borrowed ciphers: the stack is ours to free, the ciphers are OpenSSL's.
            MemorySegment stack = SslCtxCalls.SSL_get1_supported_ciphers(owned.get());
            if (Types.isNull(stack)) return List.of(); // nothing usable
            try {
                int n = StackCalls.OPENSSL_sk_num(stack);
                List<Cipher> result = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    MemorySegment c = StackCalls.OPENSSL_sk_value(stack, i);
                    result.add(new Cipher(Types.cString(SslCalls.SSL_CIPHER_get_name(c)),
                            Types.cString(SslCalls.SSL_CIPHER_standard_name(c)), Types.cString(SslCalls.SSL_CIPHER_get_version(c))));
                }
                return result;
            } finally {
                StackCalls.OPENSSL_sk_free(stack);
            }
        }
    }
}
