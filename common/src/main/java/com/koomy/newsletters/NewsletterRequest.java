package com.koomy.newsletters;

import com.koomy.email.EmailMessage;
import com.koomy.email.InvalidEmailException;
import com.koomy.email.Recipient;

import java.util.List;
import java.util.UUID;

/** A newsletter to a community's audience; {@code idempotencyKey} makes a repeated request a no-op. */
public record NewsletterRequest(
        UUID communityId,
        String communityName,
        String idempotencyKey,
        String locale,
        String subject,
        String body,
        List<Recipient> recipients) {

    public NewsletterRequest {
        if (communityId == null) {
            throw new InvalidEmailException("invalid_community", "a newsletter belongs to a community");
        }
        if (subject == null || subject.isBlank() || subject.length() > 200) {
            throw new InvalidEmailException("invalid_subject", "a newsletter needs a subject of 1 to 200 characters");
        }
        if (body == null || body.isBlank() || body.length() > 100_000) {
            throw new InvalidEmailException("invalid_body", "a newsletter needs a body of 1 to 100,000 characters");
        }
        if (locale == null || !EmailMessage.LOCALES.contains(locale)) {
            throw new InvalidEmailException("invalid_locale", "locale must be one of " + EmailMessage.LOCALES);
        }
        if (idempotencyKey == null || idempotencyKey.isBlank() || idempotencyKey.length() > 200) {
            throw new InvalidEmailException("invalid_idempotency_key", "a newsletter needs an idempotency key of 1 to 200 characters");
        }
        recipients = recipients == null ? List.of() : List.copyOf(recipients);
    }
}
