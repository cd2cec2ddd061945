package io.jtls.internal.tls;

import io.jtls.internal.engine.TlsEngine;
import java.util.List;

/**
 * Hands what OpenSSL logged during a connection's last engine calls to where it goes: key log
 * lines to the socket's {@code 'keylog'} listeners and the key log file ({@link KeylogFile}),
 * trace text to standard error ({@link TlsTrace}). The engine only records (its callbacks run
 * no application code); the driver calls {@link #emit} after OpenSSL returned. Loop thread.
 */
final class DiagnosticsRelay {
    private final ConnectionHost host;
    private KeylogFile file;

    DiagnosticsRelay(ConnectionHost host) {
        this.host = host;
    }

    /** At the connection's start: key logging on when someone listens or a key log file is configured. */
    void start(TlsEngine engine) {
        file = KeylogFile.configured();
        if (file != null || host.wantsKeylog()) {
            engine.enableKeylog();
        }
    }

    /** Emits the key log lines and prints the trace recorded since the last call. */
    void emit(TlsEngine engine) {
        if (engine == null) {
            return;
        }
        List<byte[]> lines = engine.takeKeylogLines();
        if (lines != null) {
            for (byte[] line : lines) {
                if (file != null) {
                    file.append(line);
                }
                if (!host.destroyed()) {
                    host.emitKeylog(line);
                }
            }
        }
        emitTrace(engine);
    }

    /** Prints the trace only (a destroyed socket emits no more events). */
    void emitTrace(TlsEngine engine) {
        String trace = engine == null ? null : engine.takeTrace();
        if (trace != null) {
            TlsTrace.print(trace);
        }
    }
}
