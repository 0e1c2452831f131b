package com.koomy.media.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where image bytes live: the local filesystem (the default) or an S3-compatible bucket. Keys are
 * content-addressed ({@code <sha256>.<ext>}, see {@link BlobKeys}), so a key always names the same
 * bytes: {@code put} of an existing key is harmless, and what is stored is never changed in place.
 * Access control is not here: every blob is public by URL (docs/architecture.md, "Private media").
 */
public interface BlobStore {

    /** Stores the file's bytes under {@code key}; the file is left where it is. */
    void put(String key, Path file, String contentType) throws IOException;

    /** The blob's bytes, or empty when there is no such blob. The caller closes the stream. */
    Optional<Blob> open(String key) throws IOException;

    /** Removes the blob; removing an absent blob is not an error. */
    void delete(String key) throws IOException;

    boolean exists(String key) throws IOException;

    /** For logs and health: "local /var/lib/koomy/media", "s3 koomy-media". */
    String describe();

    /** An open blob: its bytes, length and type. */
    record Blob(InputStream content, long length, String contentType) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            content.close();
        }
    }
}
