package com.koomy.communities;

import java.time.Instant;
import java.util.UUID;

public record Community(
        UUID id,
        String name,
        String slug,
        String description,
        String visibility,
        String joinPolicy,
        String locale,
        String city,
        Instant createdAt,
        Instant updatedAt,
        Instant archivedAt,
        Instant deletionDueAt) {

    public static final String PUBLIC = "public";
    public static final String PRIVATE = "private";
    public static final String OPEN = "open";
    public static final String APPROVAL = "approval";

    public boolean isPublic() {
        return PUBLIC.equals(visibility);
    }

    /** Read-only: pages are shown, nothing new is written (docs/architecture.md, "A community's life"). */
    public boolean isArchived() {
        return archivedAt != null;
    }
}
