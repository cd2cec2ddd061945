package io.jtls.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The command's own lines. Connections run on many virtual threads: each line goes out whole and
 * at once (flushed), so a script reading the output sees complete lines as they happen.
 */
final class Output {
    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    private static final PrintStream ERR = new PrintStream(System.err, true, StandardCharsets.UTF_8);

    private Output() {}

    static void line(String text) {
        synchronized (OUT) {
            OUT.println(text);
        }
    }

    static void err(String text) {
        synchronized (ERR) {
            ERR.println(text);
        }
    }

    /** Raw bytes received from a peer (connect's socket → stdout). */
    static void data(byte[] bytes, int length) {
        synchronized (OUT) {
            OUT.write(bytes, 0, length);
            OUT.flush();
        }
    }
}
