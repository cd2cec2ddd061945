package io.jtls.internal.engine;

/**
 * The raw ClientHello parts a server decides on, as the client sent them: the legacy session id
 * and the bodies of five extensions (null when absent). Copied by {@link ClientHelloReader},
 * parsed by {@link ClientHelloParser}. The arrays are not copied again: package use only.
 *
 * @param sessionId         the legacy session id (empty when none)
 * @param serverName        the server_name extension
 * @param sessionTicket     the session_ticket extension
 * @param alpn              the application_layer_protocol_negotiation extension
 * @param supportedVersions the supported_versions extension
 * @param preSharedKey      the pre_shared_key extension
 */
record ClientHelloBytes(byte[] sessionId, byte[] serverName, byte[] sessionTicket, byte[] alpn,
        byte[] supportedVersions, byte[] preSharedKey) {
    ClientHelloBytes {
        sessionId = sessionId == null ? new byte[0] : sessionId;
    }
}
