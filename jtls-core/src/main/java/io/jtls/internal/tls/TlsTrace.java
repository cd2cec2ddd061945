package io.jtls.internal.tls;

import java.io.PrintStream;

/**
 * Where {@code enableTrace()} output goes: the process's standard error, as Node prints
 * {@code SSL_trace} to stderr. {@code System.err} is looked up at each print, so a program (or
 * a test) that redirects it with {@link System#setErr} gets the trace there.
 */
final class TlsTrace {
    private TlsTrace() {}

    /** Prints one batch of trace text, in one piece so that two connections' lines do not interleave. */
    static void print(String text) {
        PrintStream err = System.err;
        synchronized (err) {
            err.print(text);
            err.flush();
        }
    }
}
