package com.koomy.news;

import jakarta.annotation.Nullable;
import java.time.Instant;
import java.util.UUID;

/** A news post in a list: everything but the body. */
public record NewsSummary(
        UUID id,
        String title,
        String status,
        UUID authorId,
        String authorName,
        @Nullable Instant publishedAt,
        Instant createdAt,
        Instant updatedAt) {
}
