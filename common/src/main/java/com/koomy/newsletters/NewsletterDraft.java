package com.koomy.newsletters;

import java.util.UUID;

/** What an owner or admin writes; on a change, null fields are left as they are. */
public record NewsletterDraft(String subject, String body, String locale, String segment, UUID eventId, UUID newsPostId) {
}
