package io.jtls.internal.engine;

import io.jtls.internal.util.WeakIdTable;

/**
 * The live engines that OpenSSL's upcalls find through their {@code SSL}'s ex_data (see
 * {@link WeakIdTable}): an engine registers before its {@code SSL} can call back, and its id is
 * removed when the {@code SSL} is freed, by {@link TlsEngine#close()} or by the Cleaner.
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
