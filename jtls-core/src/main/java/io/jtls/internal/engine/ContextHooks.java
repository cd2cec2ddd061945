package io.jtls.internal.engine;

import io.jtls.internal.openssl.DiagnosticCalls;
import io.jtls.internal.openssl.OcspCalls;
import io.jtls.internal.openssl.SessionCalls;
import io.jtls.internal.openssl.SslCalls;
import io.jtls.internal.openssl.SslCtxCalls;
import java.lang.foreign.MemorySegment;
import java.util.Set;

/**
 * The connection callbacks every {@code SSL_CTX} gets once, while it is built: client hello,
 * certificate (where Node's {@code SNICallback} and {@code OCSPRequest} run), ALPN selection,
 * the session cache's new/get callbacks, the OCSP status callback (a server's staple, a
 * client's {@code 'OCSPResponse'}) and the key log callback. Each finds its engine through the {@code SSL}'s
 * ex_data and asks it what to do; a connection that did not ask for a hook passes straight
 * through it. The two that cost every handshake an upcall or more ({@link OptionalHook}) are
 * installed only where they may be used. Installed here once, no connection ever touches the shared context again: OpenSSL
 * does not lock an {@code SSL_CTX} against concurrent configuration, and a server's loops share
 * one.
 */
public final class ContextHooks {
    private ContextHooks() {}

    /**
     * Installs the hooks on {@code ctx}: those every connection may need, and the {@code optional}
     * ones; call only while the context is being built.
     */
    public static void install(MemorySegment ctx, Set<OptionalHook> optional) {
        SslCalls.SSL_CTX_set_client_hello_cb(ctx, EngineUpcalls.CLIENT_HELLO, MemorySegment.NULL);
        SslCtxCalls.SSL_CTX_set_cert_cb(ctx, EngineUpcalls.CERT_CALLBACK, MemorySegment.NULL);
        SslCalls.SSL_CTX_set_alpn_select_cb(ctx, EngineUpcalls.ALPN_SELECT, MemorySegment.NULL);
        OcspCalls.SSL_CTX_set_tlsext_status_cb(ctx, EngineUpcalls.OCSP_STATUS); // called only when a staple is asked for
        if (optional.contains(OptionalHook.SESSION_CACHE)) {
            SessionCalls.SSL_CTX_sess_set_new_cb(ctx, SessionUpcalls.NEW_SESSION);
            SessionCalls.SSL_CTX_sess_set_get_cb(ctx, SessionUpcalls.GET_SESSION);
        }
        if (optional.contains(OptionalHook.KEY_LOG)) {
            DiagnosticCalls.SSL_CTX_set_keylog_callback(ctx, EngineUpcalls.KEYLOG); // lines kept only by engines that ask
        }
    }
}
