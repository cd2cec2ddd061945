package io.jtls.internal.engine;

import static io.jtls.internal.engine.TestPki.ROOT;
import static io.jtls.internal.engine.TestPki.SERVER_EC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jtls.internal.context.SecureContexts;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.SslCalls;
import io.jtls.support.NativeLeakCheck;
import io.jtls.support.OnNewThread;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How upcalls find their engine now that the registry has a shard per thread: engines made on
 * one thread and driven or closed on another (a client made on the application's thread and
 * run by a loop, the JSSE provider's engines) still get every callback, and an {@code SSL} whose
 * ex_data names an engine that is gone gets the callbacks' safe defaults, not a crash.
 */
class EngineRegistryTest {
    @RegisterExtension
    final NativeLeakCheck leaks = NativeLeakCheck.after(() -> TestPki.ROOT.hashCode()); // make the PKI before counting


    @Test
    void enginesMadeOnOneThreadAreDrivenAndClosedOnAnother() throws Exception {
        int before = EngineRegistry.liveCount();
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
             var clientCtx = TestContexts.builder().ca(ROOT).build()) {
            // The server engine on another thread's shard, the client on this one's.
            TlsEngine server = OnNewThread.call(() -> TlsEngine.server(SecureContexts.nativeOf(serverCtx)));
            TlsEngine client = TlsEngine.client(SecureContexts.nativeOf(clientCtx));
            try (var pair = new EnginePair(client, server)) {
                server.setAlpnProtocols(List.of("h2", "http/1.1"));
                client.setAlpnProtocols(List.of("http/1.1"));
                server.enableKeylog();
                OnNewThread.call(() -> {
                    pair.handshake(); // both engines' upcalls run on a third thread
                    return null;
                });
                assertEquals("http/1.1", server.alpnProtocol(), "the ALPN upcall found the server engine");
                assertEquals(true, !server.takeKeylogLines().isEmpty(), "the key log upcall found it too");
                assertEquals(before + 2, EngineRegistry.liveCount());
                OnNewThread.call(() -> {
                    server.close(); // freed on a thread that is not its shard's
                    return null;
                });
                assertEquals(before + 1, EngineRegistry.liveCount());
            }
        }
        assertEquals(before, EngineRegistry.liveCount());
    }

    @Test
    void anSslWhoseEngineIsGoneGetsTheSafeDefaults() throws Exception {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build()) {
            TlsEngine gone = TlsEngine.server(SecureContexts.nativeOf(serverCtx));
            gone.close();
            int staleId = OnNewThread.call(() -> EngineRegistry.register(gone));
            EngineRegistry.unregister(staleId);
            MemorySegment raw = SslCalls.SSL_new(SecureContexts.nativeOf(serverCtx).sslCtx());
            try (NativeHandle ssl = NativeHandle.own(NativeKind.SSL, raw); Arena arena = Arena.ofConfined()) {
                SslCalls.SSL_set_ex_data(raw, EngineUpcalls.EX_INDEX, MemorySegment.ofAddress(staleId));
                assertNull(EngineUpcalls.engineOf(ssl.get()), "a removed id finds nothing");
                // What each callback answers for it, called as OpenSSL's upcall stubs call them.
                MemorySegment alert = arena.allocate(ValueLayout.JAVA_INT);
                assertEquals(SslCalls.SSL_CLIENT_HELLO_SUCCESS, EngineUpcalls.clientHello(raw, alert, MemorySegment.NULL));
                assertEquals(1, EngineUpcalls.certCallback(raw, MemorySegment.NULL));
                assertEquals(SslCalls.SSL_TLSEXT_ERR_NOACK, EngineUpcalls.alpnSelect(raw, MemorySegment.NULL,
                        MemorySegment.NULL, MemorySegment.NULL, 0, MemorySegment.NULL));
                assertEquals(0, SessionUpcalls.newSession(raw, MemorySegment.NULL));
                assertEquals(MemorySegment.NULL, SessionUpcalls.getSession(raw, MemorySegment.NULL, 0, MemorySegment.NULL));
                assertEquals(0, PskUpcalls.server(raw, MemorySegment.NULL, MemorySegment.NULL, 0));
                EngineUpcalls.keylog(raw, MemorySegment.NULL); // nothing to record, nothing thrown
                // An id from a shard that never existed, and no id at all.
                SslCalls.SSL_set_ex_data(raw, EngineUpcalls.EX_INDEX, MemorySegment.ofAddress((200L << 23) | 5));
                assertNull(EngineUpcalls.engineOf(raw));
                SslCalls.SSL_set_ex_data(raw, EngineUpcalls.EX_INDEX, MemorySegment.NULL);
                assertNull(EngineUpcalls.engineOf(raw));
            }
        }
    }
}
