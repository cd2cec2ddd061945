package io.jtls;

import io.jtls.error.TlsException;

/**
 * What a client's {@link PskClientCallback} offers, Node's {@code {psk, identity}}: the key, and
 * the identity the server looks it up by (sent in clear).
 *
 * @param psk      the pre-shared key
 * @param identity the identity (UTF-8 on the wire)
 */
public record PskIdentity(byte[] psk, String identity) {
    /**
     * Checks the values.
     *
     * @param psk      the pre-shared key
     * @param identity the identity
     * @throws TlsException {@code ERR_INVALID_ARG_TYPE} for a missing key or identity, as Node's validators
     */
    public PskIdentity {
        if (psk == null) {
            throw new TlsException("ERR_INVALID_ARG_TYPE",
                    "The \"psk\" argument must be an instance of Buffer, TypedArray, or DataView. Received null");
        }
        if (identity == null) {
            throw new TlsException("ERR_INVALID_ARG_TYPE", "The \"identity\" argument must be of type string. Received null");
        }
        psk = psk.clone();
    }

    /**
     * The pre-shared key (a copy).
     *
     * @return a copy of the key
     */
    @Override
    public byte[] psk() {
        return psk.clone();
    }

    @Override
    public String toString() {
        return "PskIdentity[identity=" + identity + ", psk=<" + psk.length + " bytes>]"; // never the key
    }
}
