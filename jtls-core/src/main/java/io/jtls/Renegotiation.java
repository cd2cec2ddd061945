package io.jtls;

import io.jtls.error.TlsException;
import io.jtls.internal.tls.ConnectionDriver;
import java.util.function.Consumer;

/** Node's {@code tlsSocket.renegotiate()}: starts the new handshake on the socket's loop and reports as Node does. */
final class Renegotiation {
    private Renegotiation() {}

    /**
     * Asks the driver, on the loop, to renegotiate; the callback gets null at the next
     * {@code 'secure'} or, when the renegotiation cannot start, the refusal (on the loop).
     *
     * @return false when it could not start or the socket was destroyed meanwhile
     */
    static boolean start(TlsSocket socket, ConnectionDriver driver, boolean requestCert, boolean rejectUnauthorized,
                         Consumer<Throwable> callback) {
        Object outcome = driver.queries().query(engine -> {
            try {
                driver.renegotiate(requestCert, rejectUnauthorized);
            } catch (TlsException refused) {
                return refused;
            }
            if (callback != null) {
                socket.once(TlsSocket.SECURE, () -> callback.accept(null)); // before any ciphertext of the answer is read
            }
            return Boolean.TRUE;
        });
        if (outcome instanceof TlsException refused) {
            if (callback != null) {
                socket.loop().execute(() -> callback.accept(refused));
            }
            return false;
        }
        return outcome != null;
    }
}
