package io.jtls.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * {@code io.jtls.HandshakeCompleted}: a TLS handshake completed and the peer passed this side's
 * checks (the moment application data may flow: Node's {@code 'secureConnection'} or
 * {@code 'secureConnect'}). The event's duration is the handshake's: a client's from the
 * moment it started (before its ClientHello), a server's from the first bytes of the
 * ClientHello, so the time an idle connection waits before it speaks is not counted.
 */
@Name(EventNames.HANDSHAKE_COMPLETED)
@Label("TLS Handshake Completed")
@Category({"jtls", "TLS"})
@Description("A TLS handshake completed and the peer passed the checks")
@StackTrace(false)
public final class HandshakeCompletedEvent extends jdk.jfr.Event {
    /** Answers {@code isEnabled()} for every emitting site without an allocation (the answer is the class's, not the instance's). */
    public static final HandshakeCompletedEvent PROBE = new HandshakeCompletedEvent();

    /** An event with no field set, not begun: {@code begin()} it where its duration starts. */
    public HandshakeCompletedEvent() {
    }

    /** "server" or "client". */
    @Label("Side")
    @Description("server or client")
    public String side;

    /** TLSv1.3, TLSv1.2, . */
    @Label("Protocol")
    @Description("TLSv1.3, TLSv1.2, ...")
    public String protocol;

    /** The cipher suite's OpenSSL name. */
    @Label("Cipher")
    @Description("The cipher suite's OpenSSL name")
    public String cipher;

    /** Group. */
    @Label("Group")
    @Description("The key exchange group (X25519, prime256v1, ...); for a TLS 1.2 resumption the session's own; null when none")
    public String group;

    /** Resumed. */
    @Label("Resumed")
    public boolean resumed;

    /** The SNI name; null when the client sent none. */
    @Label("Server Name")
    @Description("The SNI name; null when the client sent none")
    public String serverName;

    /** The protocol ALPN selected; null when none. */
    @Label("ALPN Protocol")
    @Description("The protocol ALPN selected; null when none")
    public String alpnProtocol;

    /** The peer's address:port ([v6]:port); null when unknown. */
    @Label("Peer Address")
    @Description("The peer's address:port ([v6]:port); null when unknown")
    public String peerAddress;
}
