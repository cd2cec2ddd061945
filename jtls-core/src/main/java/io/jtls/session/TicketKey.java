package io.jtls.session;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One session ticket key: the three 16-byte parts a TLS server uses to seal session state into
 * a ticket (RFC 5077) and to open it again.
 *
 * <ul>
 *   <li>{@link #name()}: sent in clear at the start of every ticket, so that the server can tell
 *       which of its keys sealed it ({@code key_name} in RFC 5077);</li>
 *   <li>{@link #hmacSecret()}: the HMAC-SHA256 key that authenticates the ticket;</li>
 *   <li>{@link #aesKey()}: the AES-128-CBC key that encrypts the session state.</li>
 * </ul>
 *
 * <p>Node exposes a key as one 48-byte buffer ({@code ticketKeys}, {@code server.getTicketKeys()},
 * {@code server.setTicketKeys()}) laid out as name, then HMAC secret, then AES key: that is the
 * order in which Node's {@code SecureContext::SetTicketKeys} copies the buffer into
 * {@code ticket_key_name_}, {@code ticket_key_hmac_} and {@code ticket_key_aes_}, and in which
 * its ticket callback uses them (HMAC-SHA256 keyed with the second part,
 * {@code EVP_EncryptInit_ex(..., EVP_aes_128_cbc(), ...)}). {@link #toNodeBytes()} and
 * {@link #fromNodeBytes(byte[])} convert to and from that layout.
 *
 * <p>Instances are immutable: every byte array going in or out is copied. {@link #equals}
 * compares all 48 bytes in constant time; {@link #toString()} shows the name only, never the
 * secrets.
 */
public final class TicketKey {
    /** Length of each part, in bytes. */
    public static final int PART_LENGTH = 16;
    /** Length of the whole key in Node's layout ({@code ticketKeys}), in bytes. */
    public static final int NODE_LENGTH = 3 * PART_LENGTH;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] bytes; // Node's layout: name | hmacSecret | aesKey

    private TicketKey(byte[] nodeLayout) {
        this.bytes = nodeLayout;
    }

    /**
     * A new key of 48 bytes drawn from a shared {@link SecureRandom}.
     *
     * @return a new key of 48 bytes drawn from a shared {@link SecureRandom}
     */
    public static TicketKey generate() {
        return generate(RANDOM);
    }

    /**
     * A new key of 48 bytes drawn from {@code random}.
     *
     * @param random the random
     * @return a new key of 48 bytes drawn from {@code random}
     */
    public static TicketKey generate(SecureRandom random) {
        byte[] bytes = new byte[NODE_LENGTH];
        random.nextBytes(bytes);
        return new TicketKey(bytes);
    }

    /**
     * The key from its three parts.
     *
     * @param name the name
     * @param hmacSecret the hmac secret
     * @param aesKey the aes key
     * @return the key from its three parts
     * @throws IllegalArgumentException if a part is not exactly 16 bytes long
     */
    public static TicketKey of(byte[] name, byte[] hmacSecret, byte[] aesKey) {
        byte[] bytes = new byte[NODE_LENGTH];
        copyPart("name", name, bytes, 0);
        copyPart("hmacSecret", hmacSecret, bytes, PART_LENGTH);
        copyPart("aesKey", aesKey, bytes, 2 * PART_LENGTH);
        return new TicketKey(bytes);
    }

    /**
     * The key from Node's 48-byte {@code ticketKeys} buffer: bytes 0-15 are the name, 16-31 the
     * HMAC secret, 32-47 the AES key.
     *
     * @param keys the keys
     * @return the key from Node's 48-byte {@code ticketKeys} buffer: bytes 0-15 are the name, 16-31 the HMAC
     *         secret, 32-47 the AES key
     * @throws IllegalArgumentException if {@code keys} is not 48 bytes long (Node's
     *     {@code setTicketKeys} rejects such a buffer too)
     */
    public static TicketKey fromNodeBytes(byte[] keys) {
        Objects.requireNonNull(keys, "keys");
        if (keys.length != NODE_LENGTH) {
            throw new IllegalArgumentException(
                    "Session ticket keys must be a 48-byte buffer, got " + keys.length + " bytes");
        }
        return new TicketKey(keys.clone());
    }

    /**
     * This key as Node's 48-byte buffer (name, HMAC secret, AES key): a fresh copy.
     *
     * @return this key as Node's 48-byte buffer (name, HMAC secret, AES key): a fresh copy
     */
    public byte[] toNodeBytes() {
        return bytes.clone();
    }

    /**
     * The 16-byte key name that starts every ticket sealed with this key: a fresh copy.
     *
     * @return the 16-byte key name that starts every ticket sealed with this key: a fresh copy
     */
    public byte[] name() {
        return Arrays.copyOfRange(bytes, 0, PART_LENGTH);
    }

    /**
     * The 16-byte HMAC-SHA256 secret: a fresh copy.
     *
     * @return the 16-byte HMAC-SHA256 secret: a fresh copy
     */
    public byte[] hmacSecret() {
        return Arrays.copyOfRange(bytes, PART_LENGTH, 2 * PART_LENGTH);
    }

    /**
     * The 16-byte AES-128 key: a fresh copy.
     *
     * @return the 16-byte AES-128 key: a fresh copy
     */
    public byte[] aesKey() {
        return Arrays.copyOfRange(bytes, 2 * PART_LENGTH, NODE_LENGTH);
    }

    /**
     * Whether this key's name is {@code name}, without copying: the look-up a ticket callback
     * makes for every ticket it is handed. Names are not secret, so this is not constant-time.
     *
     * @param name the name
     * @return whether this key's name is {@code name}, without copying: the look-up a ticket callback makes
     *         for every ticket it is handed
     */
    public boolean hasName(byte[] name) {
        return name != null && name.length == PART_LENGTH
                && Arrays.equals(bytes, 0, PART_LENGTH, name, 0, PART_LENGTH);
    }

    /**
     * The name as lowercase hex: safe to log.
     *
     * @return the name as lowercase hex: safe to log
     */
    public String nameHex() {
        return HexFormat.of().formatHex(bytes, 0, PART_LENGTH);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TicketKey key && MessageDigest.isEqual(bytes, key.bytes);
    }

    @Override
    public int hashCode() {
        return java.nio.ByteBuffer.wrap(bytes, 0, PART_LENGTH).hashCode(); // the name: not secret
    }

    /** {@code TicketKey[name=<hex>]}: the secrets are never shown. */
    @Override
    public String toString() {
        return "TicketKey[name=" + nameHex() + "]";
    }

    /** Writes the 48 bytes into {@code out} at {@code offset} (for serialisation, no copy). */
    void writeTo(byte[] out, int offset) {
        System.arraycopy(bytes, 0, out, offset, NODE_LENGTH);
    }

    private static void copyPart(String what, byte[] part, byte[] out, int offset) {
        Objects.requireNonNull(part, what);
        if (part.length != PART_LENGTH) {
            throw new IllegalArgumentException(
                    what + " must be " + PART_LENGTH + " bytes, got " + part.length);
        }
        System.arraycopy(part, 0, out, offset, PART_LENGTH);
    }
}
