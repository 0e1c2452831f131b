package com.koomy.api.ops;

import jakarta.annotation.Nullable;
import com.koomy.email.Email;
import com.koomy.email.EmailTemplate;
import com.koomy.newsletters.ListUnsubscribe;
import com.koomy.email.Recipient;
import com.koomy.email.RecipientCopy;
import com.koomy.email.RenderedEmail;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** One email as operators see it in the outbox, rendered content included. */
public record OutboxEmailView(
        UUID id,
        String idempotencyKey,
        String template,
        String locale,
        @Nullable UUID communityId,
        @Nullable UUID newsletterId,
        @Nullable Integer batchNo,
        int recipientCount,
        List<Recipient> recipients,
        /**
         * Each listed recipient's copy: its headers (To, Subject, List-Unsubscribe...) and the values replaced
         * in it ({@code substitutions}), as sent.
         */
        List<RecipientHeaders> headers,
        List<Recipient> suppressed,
        String status,
        @Nullable String provider,
        @Nullable String providerMessageId,
        int attempts,
        @Nullable String lastError,
        /**
         * The content as stored, once for the whole email; in a batch it has placeholders ({@code [[...]]})
         * that each recipient's {@code substitutions} replace in their copy.
         */
        @Nullable String subject,
        @Nullable String text,
        @Nullable String html,
        Instant createdAt,
        @Nullable Instant sentAt) {

    /** Batches list their first recipients only; the count says how many there are. */
    static final int RECIPIENTS_SHOWN = 20;

    /**
     * {@code substitutions}: placeholder to this recipient's value (their name in a dues reminder, their
     * unsubscribe link in a newsletter); empty when the content was rendered for them alone. The Subject
     * header is their subject, placeholders replaced.
     */
    public record RecipientHeaders(String email, Map<String, String> headers, Map<String, String> substitutions) {
    }

    /**
     * {@code listUnsubscribe} computes a newsletter's per-recipient headers the way the worker's delivery
     * does (same function, same secret), since a batch stores its content once, not a copy per recipient.
     */
    static OutboxEmailView of(Email email, ListUnsubscribe listUnsubscribe) {
        List<Recipient> shown = email.recipients().subList(0, Math.min(RECIPIENTS_SHOWN, email.recipients().size()));
        RenderedEmail content = new RenderedEmail(email.subject(), email.htmlBody(), email.textBody());
        List<RecipientHeaders> headers = shown.stream().map(r -> {
            Map<String, String> list = listUnsubscribe != null && EmailTemplate.NEWSLETTER.id().equals(email.template())
                    && email.communityId() != null
                    ? listUnsubscribe.headers(email.communityId(), email.newsletterId(), r.email()) : Map.of();
            Map<String, String> values = RecipientCopy.substitutions(content, r, list);
            Map<String, String> h = new LinkedHashMap<>();
            h.put("To", r.name() == null ? r.email() : r.name() + " <" + r.email() + ">");
            if (email.subject() != null) {
                h.put("Subject", RecipientCopy.apply(content, values).subject());
            }
            h.putAll(list);
            return new RecipientHeaders(r.email(), h, values);
        }).toList();
        return new OutboxEmailView(email.id(), email.idempotencyKey(), email.template(), email.locale(),
                email.communityId(), email.newsletterId(), email.batchNo(), email.recipients().size(),
                shown, headers,
                email.suppressed() == null ? List.of() : email.suppressed(),
                email.status().name(), email.provider(), email.providerMessageId(), email.attempts(), email.lastError(),
                email.subject(), email.textBody(), email.htmlBody(), email.createdAt(), email.sentAt());
    }
}
