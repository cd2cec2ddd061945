package io.jtls.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.System.Logger.Level;
import org.junit.jupiter.api.Test;

/** The level of an unhandled {@code 'error'} line, by the error's code. */
class UnhandledErrorLevelTest {
    @Test
    void aPeerThatWentAwayIsDebugATlsFailureInfoTheRestWarning() {
        assertEquals(Level.DEBUG, EventEmitter.levelOf("ECONNRESET"));
        assertEquals(Level.DEBUG, EventEmitter.levelOf("EPIPE"));
        assertEquals(Level.INFO, EventEmitter.levelOf("ERR_TLS_HANDSHAKE_TIMEOUT"));
        assertEquals(Level.INFO, EventEmitter.levelOf("ERR_SSL_WRONG_VERSION_NUMBER"));
        assertEquals(Level.INFO, EventEmitter.levelOf("CERT_HAS_EXPIRED"));
        assertEquals(Level.ERROR, EventEmitter.levelOf("ECONNREFUSED"));
        assertEquals(Level.ERROR, EventEmitter.levelOf("ERR_STREAM_WRITE_AFTER_END"));
    }
}
