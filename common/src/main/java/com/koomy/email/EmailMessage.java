package com.koomy.email;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What a feature asks to send. {@code idempotencyKey} names the email in the caller's terms
 * ({@code receipt:<payment id>}, {@code password-reset:<token id>}): queuing the same key twice sends
 * once. Variables are rendered by the template, HTML-escaped.
 */
public record EmailMessage(
        EmailTemplate template,
        String locale,
        List<Recipient> recipients,
        Map<String, Object> variables,
        UUID communityId,
        String idempotencyKey) {

    public static final int MAX_RECIPIENTS = 1000;
    public static final Set<String> LOCALES = Set.of("fr", "en");

    public EmailMessage {
        if (template == null) {
            throw new InvalidEmailException("invalid_template", "an email needs a template");
        }
        locale = locale == null ? "fr" : locale.toLowerCase(Locale.ROOT);
        if (!LOCALES.contains(locale)) {
            throw new InvalidEmailException("invalid_locale", "locale must be one of " + LOCALES + ", not " + locale);
        }
        if (recipients == null || recipients.isEmpty() || recipients.size() > MAX_RECIPIENTS) {
            throw new InvalidEmailException("invalid_recipients",
                    "an email needs between 1 and " + MAX_RECIPIENTS + " recipients");
        }
        if (idempotencyKey == null || idempotencyKey.isBlank() || idempotencyKey.length() > 200) {
            throw new InvalidEmailException("invalid_idempotency_key", "an email needs an idempotency key of 1 to 200 characters");
        }
        recipients = List.copyOf(recipients);
        variables = variables == null ? Map.of() : Map.copyOf(variables);
    }

    /** A message to one person. */
    public static EmailMessage to(Recipient recipient, EmailTemplate template, String locale,
                                  Map<String, Object> variables, UUID communityId, String idempotencyKey) {
        return new EmailMessage(template, locale, List.of(recipient), variables, communityId, idempotencyKey);
    }
}
