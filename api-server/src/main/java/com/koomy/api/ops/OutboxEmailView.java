package com.koomy.api.ops;

import com.koomy.email.Email;
import com.koomy.email.Recipient;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One email as operators see it in the outbox, rendered content included. */
public record OutboxEmailView(
        UUID id,
        String idempotencyKey,
        String template,
        String locale,
        UUID communityId,
        UUID newsletterId,
        Integer batchNo,
        int recipientCount,
        List<Recipient> recipients,
        List<Recipient> suppressed,
        String status,
        String provider,
        String providerMessageId,
        int attempts,
        String lastError,
        String subject,
        String text,
        String html,
        Instant createdAt,
        Instant sentAt) {

    /** Batches list their first recipients only; the count says how many there are. */
    static final int RECIPIENTS_SHOWN = 20;

    static OutboxEmailView of(Email email) {
        return new OutboxEmailView(email.id(), email.idempotencyKey(), email.template(), email.locale(),
                email.communityId(), email.newsletterId(), email.batchNo(), email.recipients().size(),
                email.recipients().subList(0, Math.min(RECIPIENTS_SHOWN, email.recipients().size())),
                email.suppressed() == null ? List.of() : email.suppressed(),
                email.status().name(), email.provider(), email.providerMessageId(), email.attempts(), email.lastError(),
                email.subject(), email.textBody(), email.htmlBody(), email.createdAt(), email.sentAt());
    }
}
