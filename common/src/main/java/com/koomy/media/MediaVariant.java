package com.koomy.media;

import java.util.UUID;

/** One stored size of an image: {@code original}, {@code medium} or {@code thumb}, and its blob. */
public record MediaVariant(UUID mediaId, String variant, String blobKey, int width, int height) {

    public static final String ORIGINAL = "original";
    public static final String MEDIUM = "medium";
    public static final String THUMB = "thumb";
}
