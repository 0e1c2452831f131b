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
        NewsletterFanOutDao newsletters = handle.attach(NewsletterFanOutDao.class);
        Optional<FanOutProgress> found = forUpdate ? newsletters.lock(id) : newsletters.find(id);
        return found.orElseThrow(() -> new IllegalStateException("newsletter " + id + " is not stored"));
    }
}
