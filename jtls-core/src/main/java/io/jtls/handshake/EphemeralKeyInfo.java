package io.jtls.handshake;

/**
 * The key exchange's ephemeral key: Node's {@code tlsSocket.getEphemeralKeyInfo()} object.
 *
 * <p>Node reports it on the client side only: {@code {type: 'ECDH', name: 'X25519', size: 253}},
 * {@code {type: 'ECDH', name: 'prime256v1', size: 256}}, {@code {type: 'DH', size: 2048}}, and an
 * empty object when the key exchange used no ephemeral key (plain RSA key transport), which
 * is {@link #NONE} here. On a server socket Node returns {@code null}, and so does jtls.
 *
 * @param type {@code "ECDH"} or {@code "DH"}; null for {@link #NONE}
 * @param name the curve's OpenSSL short name for ECDH ({@code "X25519"}, {@code "prime256v1"},
 *             {@code "secp384r1"}); null for DH and for {@link #NONE}
 * @param size the key size in bits ({@code EVP_PKEY_get_bits}); 0 for {@link #NONE}
 */
public record EphemeralKeyInfo(String type, String name, int size) {
    /** Node's empty object {@code {}}: the client saw no ephemeral key. */
    public static final EphemeralKeyInfo NONE = new EphemeralKeyInfo(null, null, 0);

    /**
     * True for {@link #NONE}, Node's {@code {}}.
     *
     * @return true for {@link #NONE}, Node's {@code {}}
     */
    public boolean isEmpty() {
        return type == null;
    }
}
