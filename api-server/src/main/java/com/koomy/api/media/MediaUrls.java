package com.koomy.api.media;

import jakarta.annotation.Nullable;
import com.koomy.media.CommunityMedia;
import com.koomy.media.Media;
import com.koomy.media.MediaVariant;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Turns stored images into what the API answers: every size with its immutable URL. */
public final class MediaUrls {

    private final String base;

    public MediaUrls(String base) {
        this.base = base;
    }

    public String of(String blobKey) {
        return base + "/" + blobKey;
    }

    /** One stored size: its URL and pixel dimensions. */
    public record SizeView(String url, int width, int height) {
    }

    /**
     * An image: {@code url} is the original's; {@code sizes} holds original, medium and thumb once the
     * worker made them ({@code status} ready), only the original while it is processing.
     */
    public record MediaView(UUID id, UUID communityId, String target, UUID targetId, String status, String format,
                            int width, int height, String url, Map<String, SizeView> sizes, Instant createdAt,
                            @Nullable Instant releasedAt) {
    }

    public MediaView view(CommunityMedia.Item item) {
        Media m = item.media();
        Map<String, SizeView> sizes = new LinkedHashMap<>();
        for (String name : new String[] {MediaVariant.ORIGINAL, MediaVariant.MEDIUM, MediaVariant.THUMB}) {
            item.variants().stream().filter(v -> v.variant().equals(name)).findFirst()
                    .ifPresent(v -> sizes.put(name, new SizeView(of(v.blobKey()), v.width(), v.height())));
        }
        SizeView original = sizes.get(MediaVariant.ORIGINAL);
        return new MediaView(m.id(), m.communityId(), m.targetKind(), m.targetId(), m.status(), m.format(),
                m.width(), m.height(), original == null ? null : original.url(), sizes, m.createdAt(), m.releasedAt());
    }
}
