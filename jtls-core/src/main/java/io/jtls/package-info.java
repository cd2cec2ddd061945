/**
 * jtls: Node.js's {@code tls} module for Java, on the system's OpenSSL 3. {@link io.jtls.Tls} has
 * Node's module functions ({@code createServer}, {@code connect}, {@code createSecureContext},
 * ...); {@link io.jtls.TlsServer} and {@link io.jtls.TlsSocket} are {@code tls.Server} and
 * {@code tls.TLSSocket}; the option records keep Node's option names.
 *
 * <h2>Threading</h2>
 * A connection lives on one event-loop thread (its transport's loop); every event of the
 * connection is emitted there, in Node's order. Public methods may be called from any thread:
 * actions are handed to the loop. Reading a connection's state never makes two loops wait on
 * each other:
 * <ul>
 *   <li><b>What the handshake established</b> ({@code getProtocol}, {@code getCipher},
 *       {@code alpnProtocol}, {@code servername}, {@code getPeerCertificate}, {@code getFinished},
 *       {@code getPeerFinished}, {@code isSessionReused}, {@code getEphemeralKeyInfo},
 *       {@code authorized}, {@code authorizationError}) is published once, when the handshake
 *       completes (again after a renegotiation), as an immutable snapshot: any thread reads it
 *       at once. Before that these return their "not yet" value; once the socket is destroyed,
 *       null.</li>
 *   <li><b>Live queries</b> ({@code getSession}, {@code getTLSTicket}, {@code getCertificate},
 *       {@code exportKeyingMaterial}, {@code setMaxSendFragment}, {@code setServername},
 *       {@code renegotiate}, {@code getSharedSigalgs}, {@code getX509Certificate}) run on the
 *       socket's loop: called there, directly; called from a thread that runs no TLS
 *       connections, the caller waits for the answer; called from <em>another</em> event loop
 *       that runs TLS connections, they never wait (that is how two loops deadlock) and throw
 *       {@link java.lang.IllegalStateException}: use the {@code *Async} variant, whose future
 *       completes on the socket's loop.</li>
 * </ul>
 * Callbacks Node lets the application finish later ({@code SNICallback}'s, {@code 'resumeSession'}'s,
 * {@code 'newSession'}'s, {@code 'OCSPRequest'}'s) may be completed from any thread; the
 * handshake, and the reading of the connection, wait for them. Application code never runs
 * inside an OpenSSL callback, with one exception Node shares: {@code pskCallback}, which OpenSSL
 * cannot wait for.
 *
 * <h2>Native memory</h2>
 * Each connection's OpenSSL objects are freed exactly once, on its loop, after the socket is
 * destroyed; a {@link io.jtls.SecureContext} is {@link java.lang.AutoCloseable} and stays alive
 * while connections made from it live. Nothing in jtls holds a context or a connection that its
 * owner dropped: a forgotten one is freed by a {@link java.lang.ref.Cleaner}, which logs the leak.
 *
 * <h2>Absent values</h2>
 * Node's {@code undefined}, {@code false} and {@code null} are all {@code null} here (and -1 for
 * ports): {@code alpnProtocol()} (Node: {@code false} when none was selected),
 * {@code servername()}, {@code getPeerCertificate()} (Node: {@code {}} when the peer sent none,
 * {@code null} once destroyed), {@code getFinished()} and so on; each method says which.
 *
 * <h2>Errors</h2>
 * Every error carries Node's {@code code()} and {@code name()} ({@link io.jtls.error.NodeError}):
 * {@link io.jtls.error.TlsException} and its subclasses, and for what Node throws as
 * {@code TypeError}/{@code RangeError}, {@link io.jtls.error.TlsArgumentException} and
 * {@link io.jtls.error.TlsRangeException}.
 */
package io.jtls;
