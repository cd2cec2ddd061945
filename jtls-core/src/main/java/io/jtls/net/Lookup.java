package io.jtls.net;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;

/**
 * Resolves a host name for {@code connect}: Node's {@code lookup} option (by default
 * {@code dns.lookup}). {@link Socket} calls it on a virtual thread, never on the event loop, so
 * a blocking resolver is fine; addresses are tried in the order returned. IP literals are not
 * looked up.
 */
@FunctionalInterface
public interface Lookup {
    /** The system resolver ({@link InetAddress#getAllByName}), like Node's {@code dns.lookup}. */
    Lookup SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    /**
     * The addresses of {@code host}, best first; an empty list or an exception means ENOTFOUND.
     *
     * @param host the host name or address
     * @return the addresses of {@code host}, best first; an empty list or an exception means ENOTFOUND
     * @throws IOException when the I/O fails
     */
    List<InetAddress> lookup(String host) throws IOException;
}
