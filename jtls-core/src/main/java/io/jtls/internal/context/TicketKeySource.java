package io.jtls.internal.context;

/**
 * Where a context's ticket key callback finds its keys, each in Node's 48-byte layout
 * (16-byte name, 16-byte HMAC-SHA256 key, 16-byte AES-128-CBC key). The default holds one key
 * (Node's {@code ticketKeys}); a key ring that rotates keys (and still opens tickets sealed
 * with older ones) plugs in with {@link NativeSecureContext#setTicketKeySource}.
 *
 * <p>Called on handshake threads, from inside OpenSSL: implementations must be thread-safe,
 * fast, and must not block. An exception counts as "no key".
 */
public interface TicketKeySource {
    /** The key that seals new tickets (48 bytes). */
    byte[] encryptionKey();

    /**
     * The key whose first 16 bytes are {@code keyName}, or null when the ticket is not ours
     * (the server then makes a full handshake). A key other than {@link #encryptionKey()} still
     * opens the ticket, and the client gets a fresh one sealed with the current key.
     */
    byte[] decryptionKey(byte[] keyName);

    /** One fixed key: Node's behaviour. */
    static TicketKeySource single(byte[] key) {
        byte[] copy = key.clone();
        byte[] name = java.util.Arrays.copyOf(copy, 16);
        return new TicketKeySource() {
            @Override
            public byte[] encryptionKey() {
                return copy;
            }

            @Override
            public byte[] decryptionKey(byte[] keyName) {
                return java.util.Arrays.equals(name, keyName) ? copy : null;
            }
        };
    }
}
