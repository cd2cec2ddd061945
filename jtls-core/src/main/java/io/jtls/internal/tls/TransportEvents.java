package io.jtls.internal.tls;

import io.jtls.error.TlsException;
import io.jtls.net.Duplex;
import java.util.function.Consumer;

/**
 * The transport's events as the TLS connection above hears them (Node's {@code onSocketEnd},
 * {@code onSocketClose} and the socket's {@code 'error'} in {@code _tls_wrap.js}): how the
 * peer's end, a failure or the close of the stream underneath ends the connection.
 */
final class TransportEvents implements Runnable, Consumer<Throwable> {
    private final ConnectionDriver driver;
    private final ConnectionHost host;

    private TransportEvents(ConnectionDriver driver) {
        this.driver = driver;
        this.host = driver.host();
    }

    /** Listens to {@code transport} for {@code driver}: on the loop, when the connection starts. */
    static void listen(Duplex transport, ConnectionDriver driver, Outbound outbound) {
        TransportEvents events = new TransportEvents(driver);
        // The object itself is the 'end' and 'error' listener: two listener objects fewer per connection.
        transport.on(Duplex.END, events);
        transport.on(Duplex.ERROR, events);
        transport.on(Duplex.CLOSE, events::onClose);
        transport.on(Duplex.DRAIN, outbound::onTransportDrain);
    }

    /** {@code 'end'}. */
    @Override
    public void run() {
        onEnd();
    }

    /** {@code 'error'}. */
    @Override
    public void accept(Throwable error) {
        onError(error);
    }

    private boolean closing() {
        Phase phase = driver.phase();
        return phase == Phase.CLOSED || phase == Phase.CLOSING || host.destroyed();
    }

    private void onError(Throwable error) {
        if (closing()) {
            return;
        }
        if (driver.shutdownBegun() && isDisconnect(error)) {
            // Node's TLS layer ignores write errors once shutdown began: what was read is
            // delivered, then 'end' and 'close', no 'error'.
            driver.peerFinished();
            driver.readPlaintext();
            driver.enterClosing();
            driver.destroyLater(null); // after the 'end' that the read scheduled
            return;
        }
        driver.fail(error);
    }

    /** The peer went away: a write into a closed connection, or a reset. */
    private static boolean isDisconnect(Throwable error) {
        return error instanceof TlsException t && ("EPIPE".equals(t.code()) || "ECONNRESET".equals(t.code()));
    }

    private void onClose(boolean hadError) {
        if (driver.phase() == Phase.CLOSING) {
            return;
        }
        if (!hadError && driver.endedBothWays()) {
            // The transport heard the peer's end and sent ours, then closed itself as a socket
            // does. What it delivered before its end may still wait in the engine or the read
            // queue for a paused reader: that is the application's. It is read on resume, then
            // 'end', and this socket closes itself (Node's one socket would not lose it either).
            return;
        }
        host.destroy(null);
    }

    private void onEnd() {
        driver.peerFinished();
        if (host.destroyed() || driver.phase() == Phase.CLOSING) {
            return;
        }
        if (driver.phase().established()) {
            driver.readPlaintext();
        } else if (driver.isServer()) {
            host.destroy(null); // tlsClientError ECONNRESET "socket hang up"
        } else {
            // Node: 'end', then (its onConnectEnd listener) 'error' and 'close'.
            TlsException error = driver.policy().disconnectedBeforeSecure();
            driver.enterClosing();
            host.pushEnd();
            driver.destroyLater(error); // after the 'end' that pushEnd scheduled
        }
    }
}
