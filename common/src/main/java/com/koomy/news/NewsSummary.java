package com.koomy.news;

import java.time.Instant;
import java.util.UUID;

/** A news post in a list: everything but the body. */
public record NewsSummary(
        UUID id,
        String title,
        String status,
        UUID authorId,
        String authorName,
        Instant publishedAt,
        Instant createdAt,
        Instant updatedAt) {
}
