package io.jtls.internal.context;

import io.jtls.context.SecureContextOptions;
import io.jtls.internal.engine.EngineContext;
import io.jtls.internal.engine.OptionalHook;
import io.jtls.internal.engine.SniMaterial;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.SslCtxCalls;
import io.jtls.internal.util.StripedRefCount;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One configured {@code SSL_CTX}: what Node's C++ {@code SecureContext} is, and what the public
 * {@code io.jtls.SecureContext} wraps. Made by {@link #create(SecureContextOptions)}, which
 * applies the options in Node's order ({@link SecureContextBuilder}).
 *
 * <h2>Lifetime and reference counting</h2>
 * The context starts with one reference, the owner's, dropped by {@link #close()} (idempotent).
 * Every user that needs the {@code SSL_CTX} to stay configured beyond that (a connection made
 * from it, an SNI copy in progress) takes a reference with {@link #retain()} and drops it with
 * {@link #release()}; the {@code SSL_CTX} and everything the context holds (ticket key
 * registration, engine) is freed when the last reference goes. OpenSSL's own count is
 * independent: {@code SSL_new} up-refs the {@code SSL_CTX}, so a connection stays memory-safe
 * even if Java's count reaches zero first, but then its ticket key callback finds no keys and
 * declines tickets. So: an engine calls {@code retain()} before {@code SSL_new(sslCtx())} and
 * {@code release()} after {@code SSL_free}. {@link #retain()} on a context its owner closed
 * fails: a closed context takes no new connections. Nothing else holds the context: a context
 * nobody closed becomes collectable, and its handle's Cleaner frees it and reports the leak.
 * The count is striped per thread ({@link StripedRefCount}): a server's loops share one context
 * and retain it per connection without writing a common word; it is summed only after the
 * owner's close, under a protocol that frees exactly once and never under a holder.
 *
 * <h2>Frozen once built</h2>
 * The {@code SSL_CTX} is configured only while it is built ({@link #configurable()}, which
 * refuses once {@link #freeze()} ran): every hook a connection needs was installed then, and
 * afterwards the context is only read, by any number of threads ({@code SSL_new} is
 * thread-safe). OpenSSL does not lock a context against concurrent configuration, so this is
 * what makes sharing one {@code SSL_CTX} between a server's loops safe. Ticket keys live on the
 * Java side and are swapped atomically.
 */
public final class NativeSecureContext implements AutoCloseable, EngineContext {
    private final NativeHandle ctx;
    /** Set by {@link #freeze()}; from then on nothing configures the SSL_CTX. */
    private volatile boolean frozen;
    /** What SNI copies from this context, captured by {@link #freeze()}. */
    private SniMaterial sniMaterial;
    /** The optional hooks installed while it was built. */
    private Set<OptionalHook> hooks = Set.of();
    /**
     * The owner's reference and every connection's, striped per thread: N loops on N cores
     * sharing this context retain and release it per connection without writing one shared word
     * (see {@link StripedRefCount} for the close protocol that makes its sum safe to act on).
     */
    private final StripedRefCount references = new StripedRefCount(this::free);
    /** Times {@link #free()} ran: 1 at most, ever (for tests). */
    private int timesFreed;
    private volatile TicketKeySource ticketKeys = TicketKeySource.single(TicketKeys.random());
    private NativeHandle privateKeyEngine;
    private volatile KeyMaterial.Identity identity;

    NativeSecureContext(NativeHandle ctx) {
        this.ctx = ctx;
    }

    /**
     * A context configured from Node's options; throws Node's error for bad options (nothing
     * is left allocated then).
     */
    public static NativeSecureContext create(SecureContextOptions options) {
        return create(options, EnumSet.allOf(OptionalHook.class));
    }

    /**
     * A context with only the {@code hooks} among the optional ones (a server's, which knows what
     * it listens for); {@link #create(SecureContextOptions)} installs them all.
     */
    public static NativeSecureContext create(SecureContextOptions options, Set<OptionalHook> hooks) {
        return SecureContextBuilder.build(options == null ? SecureContextOptions.DEFAULTS : options,
                Set.copyOf(hooks));
    }

    /** The optional hooks this context has. */
    public Set<OptionalHook> hooks() {
        return hooks;
    }

    void hooks(Set<OptionalHook> installed) {
        this.hooks = Set.copyOf(installed);
    }

    /**
     * The {@code SSL_CTX*}, for {@code SSL_new} and {@code SSL_set_SSL_CTX}; valid while the
     * caller holds a reference. Borrowed: never free it.
     *
     * @throws IllegalStateException once the context was freed
     */
    @Override
    public MemorySegment sslCtx() {
        return ctx.get();
    }

    /**
     * The {@code SSL_CTX*} for configuring it, only while it is being built.
     *
     * @throws IllegalStateException once the context is frozen: no code path may configure a
     *         context that connections can use
     */
    MemorySegment configurable() {
        if (frozen) {
            throw new IllegalStateException("SSL_CTX is frozen: a context is configured once, when it is built");
        }
        return ctx.get();
    }

    /**
     * Ends the build: captures what SNI copies from this context (every certificate slot with
     * its key and chain, the trust store, the client CA names) and freezes the {@code SSL_CTX}.
     * Restores the certificate slot that was current, which the getters read.
     */
    void freeze() {
        MemorySegment raw = configurable();
        sniMaterial = ContextCertificates.capture(raw);
        frozen = true;
    }

    /** True once the build ended; a frozen context is never configured again. */
    public boolean isFrozen() {
        return frozen;
    }

    @Override
    public SniMaterial sniMaterial() {
        return sniMaterial;
    }

    /**
     * Takes a reference that keeps the context alive until {@link #release()}.
     *
     * @return this
     * @throws IllegalStateException when the owner already closed the context
     */
    @Override
    public NativeSecureContext retain() {
        if (!references.retain()) {
            throw new IllegalStateException("SecureContext is closed");
        }
        return this;
    }

    /**
     * Drops a reference from {@link #retain()}; the last one, once the owner closed, frees the
     * context.
     *
     * @throws IllegalStateException when released more often than retained, as far as can be
     *         seen: after the context was freed, or once the owner closed (the references' sum
     *         below zero); such a release is not counted. A surplus release before the owner's
     *         close is reported by {@link #close()}.
     */
    @Override
    public void release() {
        references.release();
    }

    /**
     * The owner's release: idempotent; the context lives on while others hold references.
     *
     * @throws IllegalStateException when more releases than retains happened before: the context
     *         is then not freed here (its handle's Cleaner reports the leak) rather than freed
     *         under a connection that may still hold it
     */
    @Override
    public void close() {
        references.close();
    }

    /** True until the owner closes the context. */
    public boolean isOpen() {
        return !references.isClosed();
    }

    /** True while the {@code SSL_CTX} exists (the owner or someone else holds a reference). */
    public boolean isAlive() {
        return !references.isFreed();
    }

    /**
     * References held now, the owner's included; for tests and diagnostics (exact only while no
     * thread retains or releases).
     */
    public int referenceCount() {
        if (references.isFreed()) {
            return 0;
        }
        return (int) Math.min(Integer.MAX_VALUE, references.held() + (references.isClosed() ? 0 : 1));
    }

    /** Run once by {@link #references}, on the thread that dropped the last reference. */
    private synchronized void free() {
        timesFreed++;
        Engines.finish(privateKeyEngine);
        privateKeyEngine = null;
        ctx.close();
    }

    /** How many times the context was freed: 0, then 1 for ever (for tests). */
    synchronized int timesFreed() {
        return timesFreed;
    }

    /** Node's {@code getTicketKeys()}: the 48 bytes that seal new tickets. */
    public byte[] ticketKeys() {
        return ticketKeys.encryptionKey().clone();
    }

    /**
     * Node's {@code setTicketKeys(keys)}: one key from now on, for the next ticket sealed or
     * opened.
     *
     * @throws io.jtls.error.TlsArgumentException {@code ERR_INVALID_ARG_VALUE} unless exactly 48 bytes
     */
    public void setTicketKeys(byte[] keys) {
        ticketKeys = TicketKeySource.single(TicketKeys.validate(keys, "keys"));
    }

    /**
     * Replaces where tickets keys come from (a rotating key ring, say); null restores one
     * random key.
     */
    public void setTicketKeySource(TicketKeySource source) {
        ticketKeys = source == null ? TicketKeySource.single(TicketKeys.random()) : source;
    }

    /** The current source, for the ticket key callback. */
    TicketKeySource ticketKeySource() {
        return ticketKeys;
    }

    /**
     * Node's {@code context.getCertificate()}: DER of the certificate set last (by {@code cert}
     * or {@code pfx}), or null.
     */
    public byte[] certificate() {
        KeyMaterial.Identity id = identity;
        return id == null || id.certificate() == null ? null : id.certificate().clone();
    }

    /**
     * Node's {@code context.getIssuer()}: DER of that certificate's issuer, found in its chain or
     * among the trusted certificates, or null. With {@link #certificate()}, what a server's
     * {@code OCSPRequest} event receives.
     */
    public byte[] issuer() {
        KeyMaterial.Identity id = identity;
        return id == null || id.issuer() == null ? null : id.issuer().clone();
    }

    /** The cipher names a connection from this context would offer, in preference order. */
    public List<String> cipherNames() {
        return CipherList.cipherNames(sslCtx());
    }

    /** {@code SSL_CTX_get_min_proto_version}: 0 for "the lowest OpenSSL has". */
    public int minProtoVersion() {
        return SslCtxCalls.SSL_CTX_get_min_proto_version(sslCtx());
    }

    /** {@code SSL_CTX_get_max_proto_version}: 0 for "the highest OpenSSL has". */
    public int maxProtoVersion() {
        return SslCtxCalls.SSL_CTX_get_max_proto_version(sslCtx());
    }

    /** {@code SSL_CTX_get_options}. */
    public long options() {
        return SslCtxCalls.SSL_CTX_get_options(sslCtx());
    }

    void identity(KeyMaterial.Identity identity) {
        this.identity = identity;
    }

    void ticketKeys(byte[] keys) {
        this.ticketKeys = TicketKeySource.single(keys);
    }

    synchronized void privateKeyEngine(NativeHandle engine) {
        Engines.finish(privateKeyEngine);
        this.privateKeyEngine = engine;
    }

    @Override
    public String toString() {
        return "NativeSecureContext[" + (isAlive() ? ctx : "freed") + ", references=" + referenceCount()
                + (isOpen() ? "" : ", closed") + "]";
    }
}
