package com.koomy.media.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Content-addressed blob keys: the SHA-256 of the bytes in hex, a dot, the extension. */
public final class BlobKeys {

    /** Every key we ever make; anything else (paths, "..", other extensions) is refused before storage. */
    public static final Pattern KEY = Pattern.compile("[0-9a-f]{64}\\.(jpg|png)");

    private BlobKeys() {
    }

    public static String of(Path file, String extension) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha256.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha256.digest()) + "." + extension;
    }

    public static boolean isValid(String key) {
        return key != null && KEY.matcher(key).matches();
    }

    public static String require(String key) {
        if (!isValid(key)) {
            throw new IllegalArgumentException("not a media blob key: " + key);
        }
        return key;
    }

    public static String contentType(String key) {
        return require(key).endsWith(".png") ? "image/png" : "image/jpeg";
    }
}
