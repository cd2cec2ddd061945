package io.jtls;

import io.jtls.error.TlsArgumentException;
import io.jtls.error.TlsException;
import io.jtls.error.TlsRangeException;
import io.jtls.internal.engine.TlsEngine;

/**
 * The argument and state checks of {@link TlsSocket}'s methods, in Node's order and with Node's
 * codes and messages ({@code validateString}, {@code validateUint32}, ...): arguments before the
 * socket's state, as {@code lib/_tls_wrap.js} checks them.
 */
final class SocketArguments {
    private SocketArguments() {}

    /** Node's {@code validateString(value, name)}. */
    static void requireString(String value, String name) {
        if (value == null) {
            throw new TlsArgumentException("ERR_INVALID_ARG_TYPE",
                    "The \"" + name + "\" argument must be of type string. Received null");
        }
    }

    /** Node's checks, before the state's: {@code validateUint32(length, 'length', true)}, {@code validateString(label)}. */
    static void checkKeyingMaterial(int length, String label) {
        if (length < 1) {
            throw new TlsRangeException("ERR_OUT_OF_RANGE", "The value of \"length\" is out of range."
                    + " It must be >= 1 && <= 4294967295. Received " + length);
        }
        requireString(label, "label");
    }

    static byte[] requireEstablished(byte[] material) {
        if (material == null) {
            throw new TlsException("ERR_TLS_INVALID_STATE", "TLS socket connection must be securely established");
        }
        return material;
    }

    /** {@code enableTrace()} needs a libssl with {@code SSL_trace}. */
    static void requireTrace() {
        if (!TlsEngine.traceAvailable()) {
            throw new UnsupportedOperationException("this libssl was built without SSL_trace: enableTrace() is unavailable");
        }
    }
}
