package io.jtls.examples;

import io.jtls.TlsServer;
import io.jtls.TlsServerStats;
import jdk.jfr.consumer.RecordingStream;

/**
 * The README's observability block, compiled ({@code ReadmeSnippetsTest} checks the README
 * holds the region between the markers character for character).
 */
public final class ReadmeObservability {
    private ReadmeObservability() {}

    /** Prints {@code server}'s figures, and each failed handshake as it happens; returns the stream to close. */
    static RecordingStream observe(TlsServer server) {
        // README begin
        TlsServerStats stats = server.stats(); // any thread, any time
        System.out.printf("%d open, %d handshakes (%.0f%% resumed), failures %s, %d bytes in%n",
                stats.connectionsOpen(), stats.handshakesCompleted(), 100 * stats.resumptionRate(),
                stats.failuresByCode(), stats.bytesIn());

        // The same events jfr print shows, in-process as they happen (JDK Flight Recorder):
        RecordingStream events = new RecordingStream();
        events.enable("io.jtls.HandshakeFailed");
        events.onEvent("io.jtls.HandshakeFailed", e -> System.out.println(
                e.getString("code") + " at " + e.getString("stage") + " from " + e.getString("peerAddress")));
        events.startAsync();
        // README end
        return events;
    }
}
