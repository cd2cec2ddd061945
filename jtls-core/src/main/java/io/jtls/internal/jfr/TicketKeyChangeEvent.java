package io.jtls.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * {@code io.jtls.TicketKeyRotation}: the keys that seal session tickets changed: a
 * {@code TicketKeyRing} rotated, retired old keys, took a shared snapshot or Node's
 * {@code setTicketKeys}, or a server without a ring was given new keys. The key names are
 * public (every ticket carries its key's name in clear); the keys themselves are never recorded.
 */
@Name(EventNames.TICKET_KEY_ROTATION)
@Label("Ticket Key Rotation")
@Category({"jtls", "Session Tickets"})
@Description("The session ticket keys changed")
@StackTrace(false)
public final class TicketKeyChangeEvent extends jdk.jfr.Event {
    /** Answers {@code isEnabled()} for every emitting site without an allocation. */
    public static final TicketKeyChangeEvent PROBE = new TicketKeyChangeEvent();

    /** An event with no field set, not begun: {@code begin()} it where its duration starts. */
    public TicketKeyChangeEvent() {
    }

    /** rotate, retire, apply (a shared snapshot), setTicketKeys (replaces every key). */
    @Label("Change")
    @Description("rotate, retire, apply (a shared snapshot), setTicketKeys (replaces every key)")
    public String change;

    /** The ring's generation after the change; -1 for a server without a ring. */
    @Label("Generation")
    @Description("The ring's generation after the change; -1 for a server without a ring")
    public long generation;

    /** How many keys open tickets after the change. */
    @Label("Keys")
    @Description("How many keys open tickets after the change")
    public int keys;

    /** The name (hex) of the key that seals new tickets. */
    @Label("Current Key Name")
    @Description("The name (hex) of the key that seals new tickets")
    public String currentKeyName;
}
