package io.jtls.session;

import java.util.concurrent.CompletionStage;

/**
 * A store of {@link TicketKeyRing.Snapshot}s shared by the processes that serve one name, so
 * that a ticket sealed by one of them opens on any other (Node: "servers must all have the same
 * ticket keys").
 *
 * <p>An implementation keeps one snapshot. Processes {@link #fetch()} it and
 * {@linkplain TicketKeyRing#apply apply} it to their local ring; the process that rotates
 * {@link #publish}es the next one. Who may rotate, and how often others look, is the
 * implementation's policy ({@code io.jtls.redis.RedisTicketKeyRing} elects one rotating
 * process with a lock and has the others poll).
 *
 * <p>Like {@link SessionStore}, both operations are asynchronous, may complete on any thread,
 * and report failures by completing exceptionally, never by throwing. A process that cannot
 * reach the source keeps the keys it has: tickets keep working between processes that still
 * agree, and clients whose tickets do not open simply make a full handshake.
 */
public interface TicketKeyRingSource {
    /**
     * The shared snapshot, or {@code null} when none has been published yet.
     *
     * @return the shared snapshot, or {@code null} when none has been published yet
     */
    CompletionStage<TicketKeyRing.Snapshot> fetch();

    /**
     * Replaces the shared snapshot with {@code snapshot}.
     *
     * @param snapshot the snapshot
     * @return the completion stage: replaces the shared snapshot with {@code snapshot}
     */
    CompletionStage<Void> publish(TicketKeyRing.Snapshot snapshot);
}
