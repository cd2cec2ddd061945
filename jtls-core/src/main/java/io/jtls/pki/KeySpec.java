package io.jtls.pki;

/**
 * Which key pair to generate: the OpenSSL algorithm name for {@code EVP_PKEY_CTX_new_from_name}
 * and its one parameter (RSA modulus bits or EC curve name).
 */
record KeySpec(String algorithm, int rsaBits, String curve) {
    static final int MIN_RSA_BITS = 512;
    static final int MAX_RSA_BITS = 16384;

    static KeySpec rsa(int bits) {
        if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
            throw new IllegalArgumentException("RSA key size must be between " + MIN_RSA_BITS
                    + " and " + MAX_RSA_BITS + " bits: " + bits);
        }
        return new KeySpec("RSA", bits, null);
    }

    static KeySpec ec(String curve) {
        if (curve == null || curve.isBlank()) {
            throw new IllegalArgumentException("EC curve name is empty");
        }
        return new KeySpec("EC", 0, curve);
    }

    static KeySpec ed25519() {
        return new KeySpec("ED25519", 0, null);
    }

    boolean isRsa() {
        return algorithm.equals("RSA");
    }

    boolean isEd25519() {
        return algorithm.equals("ED25519");
    }

    /** The name users know the key type by: "RSA", "EC", "Ed25519". */
    String displayName() {
        return isEd25519() ? "Ed25519" : algorithm;
    }
}
