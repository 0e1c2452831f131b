package com.koomy.email;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** One row of {@code emails}: what was asked, what was rendered, and how delivery went. */
public record Email(
        UUID id,
        String idempotencyKey,
        UUID communityId,
        String template,
        String locale,
        List<Recipient> recipients,
        Map<String, Object> variables,
        boolean bulk,
        UUID newsletterId,
        Integer batchNo,
        boolean held,
        EmailStatus status,
        String provider,
        String providerMessageId,
        int attempts,
        /** Provider failures (5xx, network errors) so far; the next try waits 3^failures s. */
        int failures,
        /** Not to be tried before (backoff after a failure, SendGrid's reset after a 429); null: at once. */
        Instant retryAt,
        String lastError,
        Instant leaseUntil,
        String subject,
        String htmlBody,
        String textBody,
        List<Recipient> suppressed,
        Instant createdAt,
        Instant updatedAt,
        Instant sentAt,
        /** When an interrupted attempt was last held in {@code sending} ({@link InterruptedAttempts}); null: never. */
        Instant heldAt) {

    /** The outbox kind whose ref is an email id: "deliver this email". */
    public static final String OUTBOX_KIND = "email";
}
