package com.koomy.media;

import com.koomy.media.image.ImagePipeline.Encoded;
import com.koomy.media.storage.BlobStore;
import org.jdbi.v3.core.Jdbi;

import java.io.IOException;

/** Puts encoded images into storage, registered first so storage never holds a blob we do not know. */
public class MediaBlobs {

    private final Jdbi jdbi;
    private final BlobStore store;

    public MediaBlobs(Jdbi jdbi, BlobStore store) {
        this.jdbi = jdbi;
        this.store = store;
    }

    /**
     * Registers (or touches) the blob in its own committed statement, then stores the bytes. A crash
     * in between leaves a row without bytes or bytes not yet referenced: the collector removes both.
     */
    public void save(Encoded image) throws IOException {
        jdbi.useExtension(MediaBlobDao.class, blobs -> blobs.touch(image.key(), image.bytes(), image.format().contentType()));
        store.put(image.key(), image.file(), image.format().contentType());
    }

    public BlobStore store() {
        return store;
    }
}
