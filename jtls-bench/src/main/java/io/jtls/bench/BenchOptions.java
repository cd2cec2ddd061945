package io.jtls.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The bench server's options, parsed exactly like {@code server-node.js}'s {@code parseArgs}:
 * every option has an environment variable and a default, and {@code --name value} on the
 * command line wins. An argument that is not {@code --name}, or an unknown name, is an error.
 *
 * <pre>
 * --port PORT [0]  --host HOST [127.0.0.1]  --cert CERT ec|rsa [ec]
 * --min TLS_MIN [TLSv1.2]  --max TLS_MAX [TLSv1.3]  --tickets TICKETS on|off [on]
 * --idcache IDCACHE on|off [off]  --ciphers CIPHERS []  --mode MODE echo|sink|source [echo]
 * --bytes BYTES [2^30]  --chunk CHUNK [65536]  --lifetime LIFETIME seconds [600]
 * </pre>
 */
public record BenchOptions(int port, String host, String cert, String minVersion, String maxVersion,
                           boolean tickets, boolean idCache, String ciphers, Mode mode, long bytes,
                           int chunk, double lifetimeSeconds) {

    /** What the server does with each secure connection (server-node.js's modes). */
    public enum Mode {
        /** Every byte received is written back, with backpressure ({@code sock.pipe(sock)}). */
        ECHO,
        /** Read and discard; end when the peer ends. */
        SINK,
        /** Write {@code bytes} in {@code chunk}-sized writes honouring backpressure, then end. */
        SOURCE
    }

    /** Option name to {environment variable, default}, in server-node.js's order. */
    private static final Map<String, String[]> SPEC = new LinkedHashMap<>();

    static {
        SPEC.put("port", new String[] {"PORT", "0"});
        SPEC.put("host", new String[] {"HOST", "127.0.0.1"});
        SPEC.put("cert", new String[] {"CERT", "ec"});
        SPEC.put("min", new String[] {"TLS_MIN", "TLSv1.2"});
        SPEC.put("max", new String[] {"TLS_MAX", "TLSv1.3"});
        SPEC.put("tickets", new String[] {"TICKETS", "on"});
        SPEC.put("idcache", new String[] {"IDCACHE", "off"});
        SPEC.put("ciphers", new String[] {"CIPHERS", ""});
        SPEC.put("mode", new String[] {"MODE", "echo"});
        SPEC.put("bytes", new String[] {"BYTES", String.valueOf(1L << 30)});
        SPEC.put("chunk", new String[] {"CHUNK", "65536"});
        SPEC.put("lifetime", new String[] {"LIFETIME", "600"});
    }

    /** server-node.js's {@code on(v)}: 1, on, yes, true (any case). */
    private static final Pattern ON = Pattern.compile("(?i)^(1|on|yes|true)$");

    /** Parses {@code args} over the process environment. */
    public static BenchOptions parse(String[] args) {
        return parse(List.of(args), System.getenv());
    }

    /**
     * Parses {@code args} over {@code env}.
     *
     * @throws IllegalArgumentException with server-node.js's message for a bad argument or value
     */
    public static BenchOptions parse(List<String> args, Map<String, String> env) {
        Map<String, String> o = new LinkedHashMap<>();
        SPEC.forEach((name, envAndDefault) -> o.put(name, env.getOrDefault(envAndDefault[0], envAndDefault[1])));
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument " + a);
            String k = a.substring(2);
            if (!SPEC.containsKey(k)) throw new IllegalArgumentException("unknown option " + a);
            if (i + 1 >= args.size()) throw new IllegalArgumentException("missing value for " + a);
            o.put(k, args.get(++i));
        }
        String cert = o.get("cert");
        if (!cert.equals("ec") && !cert.equals("rsa")) throw new IllegalArgumentException("--cert must be ec or rsa");
        Mode mode = switch (o.get("mode")) {
            case "echo" -> Mode.ECHO;
            case "sink" -> Mode.SINK;
            case "source" -> Mode.SOURCE;
            default -> throw new IllegalArgumentException("--mode must be echo|sink|source");
        };
        int chunk = Integer.parseInt(o.get("chunk"));
        if (chunk < 1) throw new IllegalArgumentException("--chunk must be positive");
        return new BenchOptions(Integer.parseInt(o.get("port")), o.get("host"), cert, o.get("min"), o.get("max"),
                isOn(o.get("tickets")), isOn(o.get("idcache")), o.get("ciphers"), mode,
                Long.parseLong(o.get("bytes")), chunk, Double.parseDouble(o.get("lifetime")));
    }

    static boolean isOn(String value) {
        return ON.matcher(value).matches();
    }
}
