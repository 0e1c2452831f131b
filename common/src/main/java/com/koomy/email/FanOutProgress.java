package com.koomy.email;

import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** A newsletter's row as its fan-out reads it: what to send, to whom, and how far the snapshot's cursors are. */
record FanOutProgress(UUID id, UUID communityId, String communityName, String locale, String subject,
                      String body, String status, String segment, UUID eventId, Instant sendAt,
                      boolean snapshotDone, UUID snapshotAfter, String fanoutAfter, int batchesTotal,
                      boolean batchedInSnapshot, boolean fannedOut) {

    boolean sending() {
        return "queued".equals(status) || "sending".equals(status);
    }

    static FanOutProgress lock(Handle handle, UUID id) {
        return load(handle, id, true);
    }

    static FanOutProgress load(Handle handle, UUID id, boolean forUpdate) {
        Optional<FanOutProgress> found = handle.createQuery("SELECT * FROM newsletters WHERE id = :id" + (forUpdate ? " FOR NO KEY UPDATE" : ""))
                .bind("id", id)
                .map((rs, ctx) -> new FanOutProgress(rs.getObject("id", UUID.class), rs.getObject("community_id", UUID.class),
                        rs.getString("community_name"), rs.getString("locale"), rs.getString("subject"),
                        rs.getString("body"), rs.getString("status"), rs.getString("segment"),
                        rs.getObject("event_id", UUID.class),
                        rs.getTimestamp("send_at") == null ? null : rs.getTimestamp("send_at").toInstant(),
                        rs.getBoolean("snapshot_done"), rs.getObject("snapshot_after", UUID.class),
                        rs.getString("fanout_after"), rs.getInt("batches_total"), rs.getBoolean("batched_in_snapshot"),
                        rs.getTimestamp("fanned_out_at") != null))
                .findOne();
        return found.orElseThrow(() -> new IllegalStateException("newsletter " + id + " is not stored"));
    }
}
