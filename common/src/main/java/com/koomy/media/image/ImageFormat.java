package com.koomy.media.image;

import java.util.Arrays;
import java.util.Optional;

/**
 * The image types we accept, recognised by their first bytes only: a file's name and its declared
 * Content-Type are never trusted. We write JPEG and PNG only (there is no WebP encoder in pure Java;
 * TwelveMonkeys' WebP plugin reads only), see {@link #outputFor}.
 */
public enum ImageFormat {
    JPEG("jpeg", "jpg", "image/jpeg"),
    PNG("png", "png", "image/png"),
    WEBP("webp", "webp", "image/webp");

    /** How many leading bytes {@link #sniff} needs. */
    public static final int SNIFF_BYTES = 12;

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private final String id;
    private final String extension;
    private final String contentType;

    ImageFormat(String id, String extension, String contentType) {
        this.id = id;
        this.extension = extension;
        this.contentType = contentType;
    }

    public String id() { return id; }

    public String extension() { return extension; }

    public String contentType() { return contentType; }

    public static Optional<ImageFormat> sniff(byte[] head) {
        if (head.length >= 3 && (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xd8 && (head[2] & 0xff) == 0xff) {
            return Optional.of(JPEG);
        }
        if (head.length >= 8 && Arrays.equals(head, 0, 8, PNG_SIGNATURE, 0, 8)) {
            return Optional.of(PNG);
        }
        if (head.length >= 12 && head[0] == 'R' && head[1] == 'I' && head[2] == 'F' && head[3] == 'F'
                && head[8] == 'W' && head[9] == 'E' && head[10] == 'B' && head[11] == 'P') {
            return Optional.of(WEBP);
        }
        return Optional.empty();
    }

    public static ImageFormat byId(String id) {
        for (ImageFormat format : values()) {
            if (format.id.equals(id)) {
                return format;
            }
        }
        throw new IllegalArgumentException("unknown image format " + id);
    }

    /**
     * What we store for an upload of this type: JPEG stays JPEG and PNG stays PNG (logos keep their
     * sharp edges and transparency); WebP becomes PNG when it has an alpha channel, else JPEG.
     */
    public static ImageFormat outputFor(ImageFormat source, boolean hasAlpha) {
        return switch (source) {
            case JPEG -> JPEG;
            case PNG -> PNG;
            case WEBP -> hasAlpha ? PNG : JPEG;
        };
    }
}
