package com.koomy.email;

import com.koomy.newsletters.ListUnsubscribe;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A rendered email on its way to the provider; one personalization per recipient. */
public record OutgoingEmail(
        UUID id,
        String idempotencyKey,
        /** This attempt's number (1 for the first): SendGrid's events tell a resent copy from the first. */
        int attempt,
        String category,
        boolean bulk,
        List<Recipient> to,
        RenderedEmail content,
        List<InlineImage> inlineImages,
        /** Headers of each recipient's copy, by address ({@link ListUnsubscribe}); empty for most mail. */
        Map<String, Map<String, String>> headers,
        /**
         * Per-recipient values of placeholders in the content, by address (a batch's {@code recipientName}:
         * {@link Personalized}); empty for mail rendered for its one recipient.
         */
        Map<String, Map<String, String>> substitutions) {

    /** An image the HTML part shows through {@code cid:<contentId>} (the ticket's QR code). */
    public record InlineImage(String contentId, String filename, byte[] png) {
    }
}
