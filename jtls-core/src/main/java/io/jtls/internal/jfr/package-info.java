/**
 * The JDK Flight Recorder events jtls emits, named {@code io.jtls.*} so that
 * {@code jfr print --events io.jtls.HandshakeCompleted recording.jfr} (or a
 * {@code RecordingStream}) finds them by name: handshakes that completed or failed, session
 * store look-ups and stores, ticket key changes.
 *
 * <p>Internal on purpose: a recording's consumers select events by name and read fields by
 * name, so the classes need not be API. Every event is disabled until a recording enables it,
 * and the code that emits one checks {@code isEnabled()} on a shared probe instance before it
 * allocates or gathers anything, so a process that records nothing pays one static read per
 * site. No event records a stack trace (the site is always the same).
 */
package io.jtls.internal.jfr;
