package io.jtls.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * {@code io.jtls.SessionStoreGet}: a server looked a session up in its session store (Node's
 * {@code 'resumeSession'} through {@code SessionStoreListeners}). The duration is the store's
 * latency, from the call to the completion of its stage; the event is committed on the thread
 * that completed it.
 */
@Name(EventNames.SESSION_STORE_GET)
@Label("Session Store Get")
@Category({"jtls", "Session Store"})
@Description("A session looked up in a session store")
@StackTrace(false)
public final class SessionStoreGetEvent extends jdk.jfr.Event {
    /** Answers {@code isEnabled()} for every emitting site without an allocation. */
    public static final SessionStoreGetEvent PROBE = new SessionStoreGetEvent();

    /** An event with no field set, not begun: {@code begin()} it where its duration starts. */
    public SessionStoreGetEvent() {
    }

    /** The store's class. */
    @Label("Store")
    @Description("The store's class")
    public String store;

    /** True when the store had the session. */
    @Label("Hit")
    @Description("True when the store had the session")
    public boolean hit;

    /** Why the look-up failed or timed out (then it counts as a miss); null when it did not. */
    @Label("Failure")
    @Description("Why the look-up failed or timed out (then it counts as a miss); null when it did not")
    public String failure;
}
