package com.koomy.media;

import java.time.Instant;
import java.util.UUID;

/** An uploaded image as stored; its sizes are {@link MediaVariant}s. */
public record Media(
        UUID id,
        UUID communityId,
        String targetKind,
        UUID targetId,
        UUID uploadedBy,
        String status,
        String sourceFormat,
        String format,
        int width,
        int height,
        String lastError,
        Instant createdAt,
        Instant updatedAt,
        Instant releasedAt) {

    public static final String PROCESSING = "processing";
    public static final String READY = "ready";
    public static final String FAILED = "failed";

    /** Outbox kind of "make the smaller sizes of this image" (ref: the media id). */
    public static final String OUTBOX_KIND = "media";

    public MediaTarget target() {
        return MediaTarget.byId(targetKind);
    }

    public boolean isCurrent() {
        return releasedAt == null;
    }
}
