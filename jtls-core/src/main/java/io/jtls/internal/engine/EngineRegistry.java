package io.jtls.internal.engine;

import io.jtls.internal.util.WeakIdTable;

/**
 * The live engines that OpenSSL's upcalls find through their {@code SSL}'s ex_data (see
 * {@link WeakIdTable}): an engine registers before its {@code SSL} can call back, and its id is
 * removed when the {@code SSL} is freed, by {@link TlsEngine#close()} or by the Cleaner.
 *
 * <p>Every connection registers and unregisters once, on whichever loop runs it: the table has a
 * shard per thread, so loops never take a common lock, and an upcall's lookup takes none at all.
 * An id whose engine is gone (closed, collected) finds nothing, and every upcall then returns its
 * safe default; the id is never reused while its {@code SSL} could still call back, because it
 * is removed only after {@code SSL_free}.
 */
final class EngineRegistry {
    private EngineRegistry() {}

    private static final WeakIdTable<TlsEngine> ENGINES = new WeakIdTable<>();

    static int register(TlsEngine engine) {
        return ENGINES.add(engine);
    }

    static void unregister(int id) {
        ENGINES.remove(id);
    }

    static TlsEngine lookup(long id) {
        return ENGINES.lookup(id);
    }

    /** Engines registered now (for tests: it must return to its start value). */
    static int liveCount() {
        return ENGINES.liveCount();
    }
}
