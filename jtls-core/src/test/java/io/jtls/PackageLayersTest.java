package io.jtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point one way. Reads every main source file's imports and fully qualified
 * names (comments left out) and fails on a package that uses one above it, or on a cycle.
 *
 * <pre>
 *   io.jtls.blocking             blocking streams over the facade, for a thread per connection
 *   io.jtls                      the facade: Tls, TlsServer, TlsSocket, SecureContext, options
 *   io.jtls.internal.tls         the connection driver and handshake policies
 *   io.jtls.session, io.jtls.pki, io.jtls.ocsp   session stores and key rings; certificates for users; the OCSP stapler (beside)
 *   io.jtls.net                  the event loop and Node's stream model
 *   io.jtls.internal.context     building (and freezing) an SSL_CTX
 *   io.jtls.internal.engine, io.jtls.internal.x509   one connection over its own BIO; certificate objects
 *   io.jtls.internal.openssl     the binding
 *   io.jtls.internal.util        small helpers of every layer
 *   io.jtls.internal.jfr         the Flight Recorder events (beside the helpers: they depend on the JDK only)
 *   io.jtls.error, io.jtls.context, io.jtls.handshake, io.jtls.x509   the vocabulary every layer speaks
 * </pre>
 */
class PackageLayersTest {
    /** Package to layer: a package may use its own layer's packages (without a cycle) and lower ones. */
    private static final Map<String, Integer> LAYERS = new LinkedHashMap<>();

    static {
        layer(0, "io.jtls.x509", "io.jtls.handshake");
        layer(1, "io.jtls.error", "io.jtls.context");
        layer(2, "io.jtls.internal.util", "io.jtls.internal.jfr");
        layer(3, "io.jtls.internal.openssl");
        layer(4, "io.jtls.internal.engine", "io.jtls.internal.x509");
        layer(5, "io.jtls.internal.context");
        layer(6, "io.jtls.net");
        layer(7, "io.jtls.session", "io.jtls.pki", "io.jtls.ocsp");
        layer(8, "io.jtls.internal.tls");
        layer(9, "io.jtls");
        layer(10, "io.jtls.blocking");
    }

    private static void layer(int rank, String... packages) {
        for (String p : packages) {
            LAYERS.put(p, rank);
        }
    }

    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.jtls(?:\\.[a-z0-9]+)*(?=\\.[A-Z])");

    @Test
    void dependenciesPointDownAndFormNoCycle() throws IOException {
        Map<String, Set<String>> uses = readPackageGraph(Path.of("src/main/java"));
        List<String> unknown = new ArrayList<>();
        List<String> upward = new ArrayList<>();
        for (var e : uses.entrySet()) {
            Integer from = LAYERS.get(e.getKey());
            if (from == null) {
                unknown.add(e.getKey());
                continue;
            }
            for (String target : e.getValue()) {
                Integer to = LAYERS.get(target);
                if (to == null) {
                    unknown.add(target);
                } else if (to > from) {
                    upward.add(e.getKey() + " -> " + target);
                }
            }
        }
        assertEquals(List.of(), unknown, "packages without a layer: give each new package its place here");
        assertEquals(List.of(), upward, "upward dependencies");
        List<Set<String>> cycles = cycles(uses);
        assertTrue(cycles.isEmpty(), "package cycles: " + cycles);
    }

    /** For each package, the other jtls packages its files name. */
    static Map<String, Set<String>> readPackageGraph(Path sources) throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String code = Files.readString(file).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
                Matcher pkg = Pattern.compile("(?m)^package ([\\w.]+);").matcher(code);
                if (!pkg.find()) {
                    continue; // module-info
                }
                String own = pkg.group(1);
                Set<String> targets = uses.computeIfAbsent(own, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(code.substring(pkg.end()));
                while (m.find()) {
                    if (!m.group().equals(own)) {
                        targets.add(m.group());
                    }
                }
            }
        }
        return uses;
    }

    /** Strongly connected components of more than one package (Tarjan). */
    private static List<Set<String>> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new HashSet<>();
        List<Set<String>> result = new ArrayList<>();
        int[] counter = {0};
        for (String v : graph.keySet()) {
            if (!index.containsKey(v)) {
                strongConnect(v, graph, index, low, stack, onStack, result, counter);
            }
        }
        return result;
    }

    private static void strongConnect(String v, Map<String, Set<String>> graph, Map<String, Integer> index,
                                      Map<String, Integer> low, Deque<String> stack, Set<String> onStack,
                                      List<Set<String>> result, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                strongConnect(w, graph, index, low, stack, onStack, result, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                result.add(component);
            }
        }
    }
}
