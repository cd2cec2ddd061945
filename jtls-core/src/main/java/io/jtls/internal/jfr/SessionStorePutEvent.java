package io.jtls.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * {@code io.jtls.SessionStorePut}: a server stored a new session in its session store (Node's
 * {@code 'newSession'} through {@code SessionStoreListeners}). The duration is the store's
 * latency; the event is committed on the thread that completed the put.
 */
@Name(EventNames.SESSION_STORE_PUT)
@Label("Session Store Put")
@Category({"jtls", "Session Store"})
@Description("A session stored in a session store")
@StackTrace(false)
public final class SessionStorePutEvent extends jdk.jfr.Event {
    /** Answers {@code isEnabled()} for every emitting site without an allocation. */
    public static final SessionStorePutEvent PROBE = new SessionStorePutEvent();

    /** An event with no field set, not begun: {@code begin()} it where its duration starts. */
    public SessionStorePutEvent() {
    }

    /** The store's class. */
    @Label("Store")
    @Description("The store's class")
    public String store;

    /** The session's size. */
    @Label("Size")
    @Description("The session's size")
    @DataAmount
    public int size;

    /** Why the put failed or timed out; null when it did not. */
    @Label("Failure")
    @Description("Why the put failed or timed out; null when it did not")
    public String failure;
}
