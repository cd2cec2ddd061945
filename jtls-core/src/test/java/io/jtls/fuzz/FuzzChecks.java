package io.jtls.fuzz;

import io.jtls.error.NodeError;

/**
 * The rule every fuzz target checks: a parser of hostile input may refuse it only with the
 * exception types it documents. Anything else (an {@code ArrayIndexOutOfBoundsException}, a
 * {@code NullPointerException}, an {@code IllegalStateException} of the JDK...) escapes as a finding.
 */
public final class FuzzChecks {
    private FuzzChecks() {}

    /** Runs {@code parse}; swallows the documented refusals: jtls's Node errors and {@code documented}. */
    @SafeVarargs
    public static void refusesOnlyAsDocumented(Runnable parse, Class<? extends RuntimeException>... documented) {
        try {
            parse.run();
        } catch (RuntimeException e) {
            if (e instanceof NodeError) {
                return;
            }
            for (Class<? extends RuntimeException> type : documented) {
                if (type == e.getClass()) {
                    return;
                }
            }
            throw e;
        }
    }

    /**
     * A copy of {@code template} with a few bytes changed where {@code edits} says: each edit is
     * (position, byte), positions taken modulo the length. Keeps the structure of a real encoding
     * so that the fuzzer reaches past the outer ASN.1 framing quickly.
     */
    public static byte[] edited(byte[] template, byte[] edits, int truncateTo) {
        byte[] out = template.clone();
        for (int i = 0; i + 2 < edits.length; i += 3) {
            int position = (((edits[i] & 0xFF) << 8) | (edits[i + 1] & 0xFF)) % out.length;
            out[position] = edits[i + 2];
        }
        return truncateTo > 0 && truncateTo < out.length ? java.util.Arrays.copyOf(out, truncateTo) : out;
    }
}
