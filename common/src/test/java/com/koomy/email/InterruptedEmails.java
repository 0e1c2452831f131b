package com.koomy.email;

import org.jdbi.v3.core.Jdbi;

import java.util.Map;
import java.util.UUID;

/** Email rows as an interrupted worker leaves them, and the renderer the delivery tests build their jobs with. */
final class InterruptedEmails {

    private InterruptedEmails() {
    }

    static EmailRenderer renderer() {
        return new EmailRenderer(Map.of("productName", "Koomy", "siteUrl", "https://koomy.test"));
    }

    /** A receipt as a worker SIGKILLed in SendGrid's hands leaves it: sending, attempt 1, lease over. */
    static Email interruptedReceipt(Jdbi jdbi, String to) {
        String key = "receipt:" + UUID.randomUUID();
        UUID id = jdbi.inTransaction(h -> EmailOutbox.enqueue(h, EmailMessage.to(Recipient.of(to), EmailTemplate.PAYMENT_RECEIPT,
                "en", Map.of("amount", "25.00"), null, key)));
        jdbi.useHandle(h -> h.execute("UPDATE emails SET status = 'sending', attempts = 1, provider = 'sendgrid', "
                + "lease_until = now() - interval '1 second' WHERE id = ?", id));
        return email(jdbi, id);
    }

    static Email email(Jdbi jdbi, UUID id) {
        return jdbi.withExtension(EmailDao.class, dao -> dao.find(id)).orElseThrow();
    }
}
