package com.koomy.news;

import java.time.Instant;
import java.util.UUID;

/** A news post as stored, with its author's name. {@code body} is Markdown, to be escaped where shown. */
public record NewsPost(
        UUID id,
        UUID communityId,
        UUID authorId,
        String authorName,
        String title,
        String body,
        String status,
        Instant publishedAt,
        Instant createdAt,
        Instant updatedAt) {

    public static final String DRAFT = "draft";
    public static final String PUBLISHED = "published";

    public boolean isPublished() {
        return PUBLISHED.equals(status);
    }
}
