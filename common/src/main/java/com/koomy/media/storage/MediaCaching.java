package com.koomy.media.storage;

/** The HTTP caching of blobs: their URL names their content, so any cache may keep them for a year. */
public final class MediaCaching {

    public static final String IMMUTABLE = "public, max-age=31536000, immutable";

    private MediaCaching() {
    }
}
