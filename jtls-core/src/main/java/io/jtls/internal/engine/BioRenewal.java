package io.jtls.internal.engine;

import io.jtls.internal.openssl.BioCalls;
import io.jtls.internal.openssl.Bios;
import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.internal.openssl.SslCalls;
import java.lang.foreign.MemorySegment;

/**
 * The engine's one-time renewal of its two memory BIOs after the first handshake.
 *
 * <p>Why: a memory BIO grows to the largest write it took and never shrinks (OpenSSL's
 * {@code BUF_MEM_grow_clean}), so each BIO would keep its largest handshake flight (the
 * certificate chain) allocated for the life of the connection: about 1.6 KB of malloc per idle
 * TLS 1.3 server connection (scripts/idle-ssl-floor.c). A new, empty memory BIO holds nothing
 * until the next record.
 *
 * <p>When, so that no byte is lost and nothing held back is disturbed:
 * <ul>
 *   <li>the write BIO at the end of an {@code encOut} that drained it: its owner took every
 *       byte out. A driver that holds output (a server waiting for {@code 'newSession'}) does not
 *       call {@code encOut}, so held bytes are never in a BIO being replaced;</li>
 *   <li>the read BIO when {@code SSL_read} asked for more input ({@code WANT_READ}): OpenSSL took
 *       everything the BIO had (application data that came behind the peer's Finished was read
 *       first); the part of a record OpenSSL already took waits in the SSL's own buffer, not in
 *       the BIO;</li>
 *   <li>each only when it is empty by {@code BIO_ctrl_pending} and no handshake is under way
 *       ({@code SSL_in_init}: a renegotiation's buffering BIO sits on the write BIO); otherwise
 *       it is tried again at the next such point, at most {@link #MAX_DEFERRALS} times in all,
 *       so that a connection that never gets there pays nothing per call for long.</li>
 * </ul>
 *
 * <p>Cost, once per connection: for each BIO {@code BIO_ctrl_pending} (the write side's is the
 * drain's own), {@code SSL_in_init}, {@code BIO_s_mem} + {@code BIO_new} and
 * {@code SSL_set0_rbio}/{@code SSL_set0_wbio}; per call afterwards, one test of an int.
 *
 * <p>Ownership: {@code SSL_set0_rbio}/{@code SSL_set0_wbio} free the BIO they replace
 * ({@code BIO_free_all}) and make the SSL the owner of the new one, freed with it by
 * {@code SSL_free}: the SSL stays the one owner of both, and nothing is freed twice. The engine
 * calls them only while live (from {@code encOut}/{@code clearOut}).
 *
 * <p>The state is a few bits of an int in the engine (no object per connection); this class
 * reads and changes them and makes the replacement.
 */
final class BioRenewal {
    /** The read BIO is still to be renewed. */
    static final int READ_DUE = 1;
    /** The write BIO is still to be renewed. */
    static final int WRITE_DUE = 2;
    /** Armed once, at the first handshake's end: a renegotiation does not renew again. */
    private static final int ARMED = 4;
    /** The read BIO was renewed (for tests). */
    static final int READ_RENEWED = 8;
    /** The write BIO was renewed (for tests). */
    static final int WRITE_RENEWED = 16;
    /** Deferrals are counted from this bit up. */
    private static final int DEFERRAL = 32;
    /** After this many "not yet", the old BIOs stay: the renewal must never cost per call for long. */
    static final int MAX_DEFERRALS = 16;

    private BioRenewal() {
    }

    /** The bits once the first handshake completed: both BIOs due (a later handshake changes nothing). */
    static int arm(int bits) {
        return (bits & ARMED) != 0 ? bits : bits | ARMED | READ_DUE | WRITE_DUE;
    }

    /**
     * A new empty memory BIO for the SSL's read side ({@link #READ_DUE}) or write side
     * ({@link #WRITE_DUE}) if {@code current} may be replaced now, else null (bytes in it, a
     * handshake under way, or out of memory: the current BIO goes on working).
     */
    static MemorySegment replacement(MemorySegment ssl, MemorySegment current) {
        if (BioCalls.BIO_ctrl_pending(current) != 0 || SslCalls.SSL_in_init(ssl) == 1) {
            return null;
        }
        try {
            return Bios.newMemoryRaw();
        } catch (RuntimeException outOfMemory) {
            ErrorQueue.clear();
            return null;
        }
    }

    /**
     * The bits after an attempt on {@code which}: renewed, or put off (after
     * {@link #MAX_DEFERRALS} attempts in all, nothing is due any more).
     */
    static int after(int bits, int which, boolean renewed) {
        if (renewed) {
            return (bits & ~which) | (which == READ_DUE ? READ_RENEWED : WRITE_RENEWED);
        }
        int deferrals = (bits >>> 5) + 1;
        if (deferrals >= MAX_DEFERRALS) {
            return bits & ~(READ_DUE | WRITE_DUE);
        }
        return (bits & (DEFERRAL - 1)) | deferrals << 5;
    }
}
