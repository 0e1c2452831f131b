package com.koomy.newsletters;

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
        UUID eventId,
        UUID newsPostId,
        UUID createdBy,
        Instant sendAt,
        Instant createdAt,
        Instant updatedAt,
        Instant sentAt,
        Instant cancelledAt,
        Stats stats) {

    /**
     * {@code recipients}: addresses put in batches; {@code suppressed}: members of the segment left out
     * (unsubscribed, bounced before) at the snapshot or when their batch went; {@code bounced} and
     * {@code unsubscribed}: from SendGrid's signed event webhook and from this newsletter's own links.
     */
    public record Stats(int batchesDone, int batchesTotal, int recipients, long suppressed, long bounced, long unsubscribed) {
    }
}
