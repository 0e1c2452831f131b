package com.koomy.newsletters;

import jakarta.annotation.Nullable;
import java.time.Instant;
import java.util.UUID;

/** A newsletter as its community's owners and admins see it, with how its sending went. */
public record NewsletterView(
        UUID id,
        UUID communityId,
        String status,
        String subject,
        String body,
        String locale,
        String segment,
        @Nullable UUID eventId,
        @Nullable UUID newsPostId,
        UUID createdBy,
        @Nullable Instant sendAt,
        Instant createdAt,
        Instant updatedAt,
        @Nullable Instant sentAt,
        @Nullable Instant cancelledAt,
        Stats stats) {

    /**
     * {@code recipients}: addresses put in batches; {@code suppressed}: members of the segment left out
     * (unsubscribed, bounced before) at the snapshot or when their batch went; {@code bounced} and
     * {@code unsubscribed}: from SendGrid's signed event webhook and from this newsletter's own links.
     */
    public record Stats(int batchesDone, int batchesTotal, int recipients, long suppressed, long bounced, long unsubscribed) {
    }
}
