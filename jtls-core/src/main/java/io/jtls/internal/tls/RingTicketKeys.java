package io.jtls.internal.tls;

import io.jtls.internal.context.TicketKeySource;
import io.jtls.session.TicketKey;
import io.jtls.session.TicketKeyRing;
import java.util.Objects;

/**
 * A {@link TicketKeyRing} as the ticket keys of a context: new tickets are sealed with the
 * ring's current key, and a ticket opens with whichever key of the ring carries its name until
 * that key is retired (then the client makes a full handshake). Read live on every ticket, so
 * rotations and {@link TicketKeyRing#apply applied} snapshots take effect for the next
 * handshake without touching the context.
 */
public final class RingTicketKeys implements TicketKeySource {
    private final TicketKeyRing ring;

    public RingTicketKeys(TicketKeyRing ring) {
        this.ring = Objects.requireNonNull(ring, "ring");
    }

    public TicketKeyRing ring() {
        return ring;
    }

    @Override
    public byte[] encryptionKey() {
        return ring.current().toNodeBytes();
    }

    @Override
    public byte[] decryptionKey(byte[] keyName) {
        TicketKey key = ring.find(keyName);
        return key == null ? null : key.toNodeBytes();
    }
}
