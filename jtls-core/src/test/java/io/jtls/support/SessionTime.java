package io.jtls.support;

import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.SessionCalls;
import io.jtls.internal.openssl.SslCalls;
import io.jtls.internal.openssl.Types;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sessions made older without waiting: instead of sleeping past a {@code sessionTimeout}, a test
 * moves a session's creation time ({@code SSL_SESSION_set_time}) into the past, where OpenSSL
 * checks it.
 *
 * <ul>
 *   <li>{@link #backdate}: a session in OpenSSL's DER form (what a store holds and hands to
 *       {@code resumeSession}, or what a client offers for session-id resumption).</li>
 *   <li>{@link #backdateTicket}: a client's session whose ticket is opened with the server's
 *       {@code ticketKeys}, its sealed session back-dated, and sealed again: for a ticket the
 *       server trusts only the time inside it, which the client cannot otherwise change.</li>
 * </ul>
 */
public final class SessionTime {
    private SessionTime() {}

    /** {@code [10] EXPLICIT}: the ticket's field in OpenSSL's {@code SSL_SESSION_ASN1}. */
    private static final int TICKET_TAG = 0xAA;
    private static final int NAME = 16;
    private static final int IV = 16;
    private static final int MAC = 32;

    /** The session's creation time, in seconds since the epoch ({@code SSL_SESSION_get_time}). */
    public static long time(byte[] session) {
        try (NativeHandle s = decode(session)) {
            return SessionCalls.SSL_SESSION_get_time(s.get());
        }
    }

    /** {@code session} (DER) with its creation time moved {@code by} into the past. */
    public static byte[] backdate(byte[] session, Duration by) {
        try (NativeHandle s = decode(session)) {
            long time = SessionCalls.SSL_SESSION_get_time(s.get());
            if (SessionCalls.SSL_SESSION_set_time(s.get(), time - by.toSeconds()) == 0) {
                throw new IllegalStateException("SSL_SESSION_set_time failed");
            }
            return encode(s.get());
        }
    }

    /**
     * A client {@code session} (DER, with a ticket from a server whose Node-format
     * {@code ticketKeys} are given) whose ticket seals the same session created {@code by}
     * earlier. The client's own copy of the time is left alone, so that the client still offers
     * the ticket and the decision is the server's.
     */
    public static byte[] backdateTicket(byte[] session, byte[] ticketKeys, Duration by) {
        byte[] ticket;
        try (NativeHandle s = decode(session); Arena arena = Arena.ofConfined()) {
            MemorySegment tick = arena.allocate(ValueLayout.ADDRESS);
            MemorySegment len = arena.allocate(ValueLayout.JAVA_LONG);
            SessionCalls.SSL_SESSION_get0_ticket(s.get(), tick, len);
            long n = len.get(ValueLayout.JAVA_LONG, 0);
            if (n == 0) throw new IllegalArgumentException("the session has no ticket");
            ticket = tick.get(ValueLayout.ADDRESS, 0).reinterpret(n).toArray(ValueLayout.JAVA_BYTE);
        }
        byte[] resealed = reseal(ticket, ticketKeys, by);
        return replaceTicket(session, resealed);
    }

    /** Opens OpenSSL's ticket (name, IV, AES-128-CBC of the session DER, HMAC-SHA256), back-dates, seals again. */
    private static byte[] reseal(byte[] ticket, byte[] keys, Duration by) {
        if (keys.length != 48) throw new IllegalArgumentException("ticketKeys are 48 bytes");
        byte[] name = Arrays.copyOfRange(keys, 0, 16);
        SecretKeySpec hmacKey = new SecretKeySpec(keys, 16, 16, "HmacSHA256");
        SecretKeySpec aesKey = new SecretKeySpec(keys, 32, 16, "AES");
        if (!Arrays.equals(name, Arrays.copyOfRange(ticket, 0, NAME))) {
            throw new IllegalArgumentException("the ticket was not sealed with these keys");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(hmacKey);
            mac.update(ticket, 0, ticket.length - MAC);
            if (!MessageDigest.isEqual(mac.doFinal(), Arrays.copyOfRange(ticket, ticket.length - MAC, ticket.length))) {
                throw new IllegalArgumentException("the ticket's MAC does not verify");
            }
            IvParameterSpec iv = new IvParameterSpec(ticket, NAME, IV);
            Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
            aes.init(Cipher.DECRYPT_MODE, aesKey, iv);
            byte[] sealed = aes.doFinal(ticket, NAME + IV, ticket.length - NAME - IV - MAC);
            byte[] older = backdate(sealed, by);
            aes.init(Cipher.ENCRYPT_MODE, aesKey, iv);
            byte[] body = aes.doFinal(older);

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(ticket, 0, NAME + IV);
            out.write(body, 0, body.length);
            mac.init(hmacKey);
            mac.update(out.toByteArray());
            out.write(mac.doFinal(), 0, MAC);
            return out.toByteArray();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The session DER with its {@code [10] EXPLICIT OCTET STRING} ticket field replaced (no setter in OpenSSL). */
    private static byte[] replaceTicket(byte[] session, byte[] ticket) {
        int[] outer = header(session, 0);
        if (session[0] != 0x30) throw new IllegalArgumentException("not a DER SEQUENCE");
        ByteArrayOutputStream fields = new ByteArrayOutputStream();
        boolean replaced = false;
        for (int at = outer[0]; at < outer[0] + outer[1]; ) {
            int[] field = header(session, at);
            int end = field[0] + field[1];
            if ((session[at] & 0xFF) == TICKET_TAG) {
                fields.writeBytes(tlv(TICKET_TAG, tlv(0x04, ticket)));
                replaced = true;
            } else {
                fields.write(session, at, end - at);
            }
            at = end;
        }
        if (!replaced) throw new IllegalArgumentException("the session DER has no ticket field");
        byte[] rebuilt = tlv(0x30, fields.toByteArray());
        try (NativeHandle check = decodeOrNull(rebuilt)) {
            if (check == null) throw new IllegalStateException("OpenSSL refuses the rebuilt session");
        }
        return rebuilt;
    }

    /** {content offset, content length} of the TLV at {@code at}: one-byte tags, definite lengths (DER). */
    private static int[] header(byte[] der, int at) {
        int first = der[at + 1] & 0xFF;
        if (first < 0x80) return new int[] {at + 2, first};
        int count = first & 0x7F;
        int length = 0;
        for (int i = 0; i < count; i++) length = (length << 8) | (der[at + 2 + i] & 0xFF);
        return new int[] {at + 2 + count, length};
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n < 0x100 ? 1 : n < 0x10000 ? 2 : 3;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) out.write(n >>> (8 * i));
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static NativeHandle decode(byte[] der) {
        NativeHandle s = decodeOrNull(der);
        if (s == null) throw new IllegalArgumentException("not a session in OpenSSL's DER form");
        return s;
    }

    private static NativeHandle decodeOrNull(byte[] der) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = arena.allocateFrom(ValueLayout.JAVA_BYTE, der);
            MemorySegment cursor = arena.allocateFrom(ValueLayout.ADDRESS, bytes);
            MemorySegment parsed = SslCalls.d2i_SSL_SESSION(MemorySegment.NULL, cursor, der.length);
            if (Types.isNull(parsed)) {
                ErrorQueue.clear();
                return null;
            }
            return NativeHandle.own(NativeKind.SSL_SESSION, parsed);
        }
    }

    private static byte[] encode(MemorySegment session) {
        int length = SslCalls.i2d_SSL_SESSION(session, MemorySegment.NULL);
        if (length <= 0) throw new IllegalStateException("i2d_SSL_SESSION failed");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment der = arena.allocate(length);
            MemorySegment cursor = arena.allocateFrom(ValueLayout.ADDRESS, der);
            SslCalls.i2d_SSL_SESSION(session, cursor);
            return der.toArray(ValueLayout.JAVA_BYTE);
        }
    }
}
