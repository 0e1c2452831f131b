package com.koomy.media.image;

/**
 * An upload we will not store, with the HTTP status and stable code the API answers. Nothing has
 * been stored when it is thrown.
 */
public class ImageRefusedException extends RuntimeException {

    private final int status;
    private final String code;

    public ImageRefusedException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public static ImageRefusedException unsupportedType() {
        return new ImageRefusedException(415, "unsupported_image_type",
                "the file is not a JPEG, PNG or WebP image (the type is read from the file's bytes)");
    }

    public static ImageRefusedException invalid(String why) {
        return new ImageRefusedException(422, "invalid_image", "the image cannot be read: " + why);
    }

    public int status() { return status; }

    public String code() { return code; }
}
