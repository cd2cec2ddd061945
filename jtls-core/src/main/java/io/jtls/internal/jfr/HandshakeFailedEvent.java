package io.jtls.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * {@code io.jtls.HandshakeFailed}: a connection ended before its handshake completed and its
 * peer passed the checks. The duration counts from where {@link HandshakeCompletedEvent}'s
 * would (or, for a server that never saw a byte, from the failure itself).
 */
@Name(EventNames.HANDSHAKE_FAILED)
@Label("TLS Handshake Failed")
@Category({"jtls", "TLS"})
@Description("A TLS connection failed before its handshake completed")
@StackTrace(false)
public final class HandshakeFailedEvent extends jdk.jfr.Event {
    /** Answers {@code isEnabled()} for every emitting site without an allocation. */
    public static final HandshakeFailedEvent PROBE = new HandshakeFailedEvent();

    /** An event with no field set, not begun: {@code begin()} it where its duration starts. */
    public HandshakeFailedEvent() {
    }

    /** "server" or "client". */
    @Label("Side")
    @Description("server or client")
    public String side;

    /** Code. */
    @Label("Code")
    @Description("Node's error code (ERR_SSL_WRONG_VERSION_NUMBER, ECONNRESET, ERR_TLS_HANDSHAKE_TIMEOUT, ...);"
            + " for a peer certificate this side rejected, the verification code (DEPTH_ZERO_SELF_SIGNED_CERT, ...)")
    public String code;

    /** Message. */
    @Label("Message")
    public String message;

    /** Stage. */
    @Label("Stage")
    @Description("Where the handshake was: connect, client-hello (a server still waiting for it), handshake,"
            + " client-hello-callback (ALPNCallback, resumeSession), certificate-callback (SNICallback, OCSPRequest),"
            + " new-session (newSession), verify (the peer's certificate)")
    public String stage;

    /** The SNI name, when known; null otherwise. */
    @Label("Server Name")
    @Description("The SNI name, when known; null otherwise")
    public String serverName;

    /** The peer's address:port ([v6]:port); null when unknown. */
    @Label("Peer Address")
    @Description("The peer's address:port ([v6]:port); null when unknown")
    public String peerAddress;
}
