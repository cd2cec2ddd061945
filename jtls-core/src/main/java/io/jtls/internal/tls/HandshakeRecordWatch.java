package io.jtls.internal.tls;

import java.nio.ByteBuffer;

/**
 * Notices renegotiations by reading the plaintext record headers of the ciphertext a connection
 * receives, without touching the TLS engine: after the handshake, a TLS 1.2 peer that sends a
 * {@code handshake} record (content type 22) is starting a new handshake (a renegotiation
 * ClientHello on a server, a HelloRequest on a client). TLS 1.3 wraps every post-handshake
 * message (tickets, key updates) in {@code application_data} records, so it never triggers.
 *
 * <p>A renegotiation counts once: after its handshake record, the peer's
 * {@code change_cipher_spec} (type 20) and the {@code Finished} handshake record that follows it
 * end it. This is what Node counts with OpenSSL's {@code SSL_CB_HANDSHAKE_START} for
 * {@code tls.CLIENT_RENEG_LIMIT}.
 *
 * <p>Records may be split across reads: the watch keeps the few bytes of a partial header and
 * the count of body bytes still to skip. Loop thread only; a connection keeps one, a few ints.
 */
public final class HandshakeRecordWatch {
    private static final int HEADER = 5;
    private static final int CHANGE_CIPHER_SPEC = 20;
    private static final int HANDSHAKE = 22;

    private enum Phase { IDLE, RENEGOTIATING, AFTER_CHANGE_CIPHER_SPEC }

    private final byte[] header = new byte[HEADER];
    private int headerBytes;
    private long skip;
    private Phase phase = Phase.IDLE;

    /**
     * Reads the record headers in {@code ciphertext} (not consumed: only its position is read
     * from) and returns how many new handshakes the peer started in it.
     */
    public int scan(ByteBuffer ciphertext) {
        int started = 0;
        int i = ciphertext.position();
        int end = ciphertext.limit();
        while (i < end) {
            if (skip > 0) {
                int n = (int) Math.min(skip, end - i);
                skip -= n;
                i += n;
                continue;
            }
            header[headerBytes++] = ciphertext.get(i++);
            if (headerBytes < HEADER) {
                continue;
            }
            headerBytes = 0;
            skip = ((header[3] & 0xFF) << 8) | (header[4] & 0xFF);
            if (onRecord(header[0] & 0xFF)) {
                started++;
            }
        }
        return started;
    }

    /** True while the last chunk scanned ended inside a record: the rest of it is still to come. */
    public boolean midRecord() {
        return skip > 0 || headerBytes > 0;
    }

    /** True when a record of {@code type} starts a new handshake. */
    private boolean onRecord(int type) {
        switch (phase) {
            case IDLE -> {
                if (type == HANDSHAKE) {
                    phase = Phase.RENEGOTIATING;
                    return true;
                }
            }
            case RENEGOTIATING -> {
                if (type == CHANGE_CIPHER_SPEC) {
                    phase = Phase.AFTER_CHANGE_CIPHER_SPEC;
                }
            }
            case AFTER_CHANGE_CIPHER_SPEC -> {
                if (type == HANDSHAKE) {
                    phase = Phase.IDLE; // the peer's Finished
                }
            }
        }
        return false;
    }
}
