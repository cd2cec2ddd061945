package io.jtls.internal.context;

import io.jtls.error.TlsException;
import io.jtls.internal.openssl.EngineCalls;
import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.Types;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * OpenSSL engines for {@code clientCertEngine} and {@code privateKeyEngine}, as Node loads them
 * ({@code LoadEngineById}, {@code SetClientCertEngine}, {@code SetEngineKey}). Engines are
 * deprecated in OpenSSL 3 and absent from {@code no-engine} builds; there the options fail with
 * Node's {@code ERR_CRYPTO_CUSTOM_ENGINE_NOT_SUPPORTED}.
 */
final class Engines {
    private Engines() {}

    /**
     * Node's {@code LoadEngineById}: a built-in engine by id, else the {@code dynamic} engine
     * loading a shared library of that name. Returns a structural reference; a failure is the
     * OpenSSL error (such as {@code could not load the shared library}), or
     * {@code ERR_CRYPTO_ENGINE_UNKNOWN} when OpenSSL said nothing.
     */
    static NativeHandle load(String id) {
        requireSupport();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cid = arena.allocateFrom(id);
            ErrorQueue.clear();
            MemorySegment engine = EngineCalls.ENGINE_by_id(cid);
            if (Types.isNull(engine)) {
                MemorySegment dynamic = EngineCalls.ENGINE_by_id(arena.allocateFrom("dynamic"));
                if (!Types.isNull(dynamic)) {
                    NativeHandle dyn = NativeHandle.own(NativeKind.ENGINE, dynamic);
                    if (EngineCalls.ENGINE_ctrl_cmd_string(dyn.get(), arena.allocateFrom("SO_PATH"), cid, 0) == 1
                            && EngineCalls.ENGINE_ctrl_cmd_string(dyn.get(), arena.allocateFrom("LOAD"),
                                    MemorySegment.NULL, 0) == 1) {
                        return dyn;
                    }
                    dyn.close();
                }
                if (!ErrorQueue.hasError()) {
                    throw new TlsException("ERR_CRYPTO_ENGINE_UNKNOWN", "Engine \"" + id + "\" was not found");
                }
                throw ErrorQueue.exception("ENGINE_by_id", "ERR_CRYPTO_ENGINE_UNKNOWN");
            }
            return NativeHandle.own(NativeKind.ENGINE, engine);
        }
    }

    /**
     * Node's {@code SetClientCertEngine}: the context takes its own functional reference (and
     * drops it when freed); ours is released here.
     */
    static void setClientCertEngine(MemorySegment ctx, String id) {
        try (NativeHandle engine = load(id)) {
            ErrorQueue.clear();
            if (EngineCalls.SSL_CTX_set_client_cert_engine(ctx, engine.get()) != 1) {
                throw ErrorQueue.exception("SSL_CTX_set_client_cert_engine", "ERR_CRYPTO_OPERATION_FAILED");
            }
        }
    }

    /**
     * Node's {@code SetEngineKey}: the engine is initialised and loads the key; the returned
     * handle holds the engine (initialised) for the life of the context, which must
     * {@link #finish} it.
     */
    static NativeHandle usePrivateKey(MemorySegment ctx, String keyId, String engineId) {
        NativeHandle engine = load(engineId);
        boolean initialised = false;
        try (Arena arena = Arena.ofConfined()) {
            ErrorQueue.clear();
            if (EngineCalls.ENGINE_init(engine.get()) != 1) {
                ErrorQueue.clear();
                throw new TlsException("ERR_CRYPTO_OPERATION_FAILED", "Failure to initialize engine");
            }
            initialised = true;
            MemorySegment key = EngineCalls.ENGINE_load_private_key(engine.get(), arena.allocateFrom(keyId),
                    MemorySegment.NULL, MemorySegment.NULL);
            if (Types.isNull(key)) {
                throw ErrorQueue.exception("ENGINE_load_private_key", "ERR_CRYPTO_OPERATION_FAILED");
            }
            try (NativeHandle pkey = NativeHandle.own(NativeKind.EVP_PKEY, key)) {
                KeyMaterial.usePrivateKey(ctx, pkey.get());
            }
            return engine;
        } catch (RuntimeException e) {
            if (initialised) {
                EngineCalls.ENGINE_finish(engine.get());
            }
            engine.close();
            throw e;
        }
    }

    /** Drops the functional and then the structural reference of an engine from {@link #usePrivateKey}. */
    static void finish(NativeHandle engine) {
        if (engine != null && engine.isOpen()) {
            EngineCalls.ENGINE_finish(engine.get());
            engine.close();
        }
    }

    private static void requireSupport() {
        if (!EngineCalls.available()) {
            throw new TlsException("ERR_CRYPTO_CUSTOM_ENGINE_NOT_SUPPORTED",
                    "Custom engines not supported by this OpenSSL");
        }
    }
}
