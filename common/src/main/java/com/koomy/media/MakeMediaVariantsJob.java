package com.koomy.media;

import com.koomy.config.MediaFactory;
import com.koomy.media.image.ImageFormat;
import com.koomy.media.image.ImagePipeline;
import com.koomy.media.image.ImagePipeline.Encoded;
import com.koomy.media.image.ImageRefusedException;
import com.koomy.media.storage.BlobStore;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.jobs.lambdas.JobRequestHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Makes an image's medium and thumbnail sizes from its stored original, stores them and marks the
 * image {@code ready}. Idempotent: a ready, failed or deleted image is left alone, variants are
 * inserted with ON CONFLICT DO NOTHING and blobs are content-addressed, so a second run changes
 * nothing. A size no smaller than the original reuses the original's blob. Storage errors are
 * rethrown for JobRunr to retry; an original that cannot be decoded (it was our own output, so this
 * means a damaged blob) marks the image {@code failed} at once.
 */
public class MakeMediaVariantsJob implements JobRequestHandler<MakeMediaVariants> {

    private static final Logger LOG = LoggerFactory.getLogger(MakeMediaVariantsJob.class);

    private final Jdbi jdbi;
    private final ImagePipeline images;
    private final MediaBlobs blobs;
    private final MediaFactory config;

    public MakeMediaVariantsJob(Jdbi jdbi, ImagePipeline images, MediaBlobs blobs, MediaFactory config) {
        this.jdbi = jdbi;
        this.images = images;
        this.blobs = blobs;
        this.config = config;
    }

    @Override
    public void run(MakeMediaVariants request) throws IOException {
        make(request.mediaId());
    }

    public void make(UUID mediaId) throws IOException {
        Media media = jdbi.withExtension(MediaDao.class, dao -> dao.findById(mediaId)).orElse(null);
        if (media == null || !Media.PROCESSING.equals(media.status())) {
            LOG.info("Media {} is {}: no sizes to make", mediaId, media == null ? "gone" : media.status());
            return;
        }
        MediaVariant original = jdbi.withExtension(MediaDao.class, dao -> dao.variants(List.of(mediaId))).stream()
                .filter(v -> MediaVariant.ORIGINAL.equals(v.variant())).findFirst()
                .orElseThrow(() -> new IllegalStateException("media " + mediaId + " has no original"));

        List<String> names = new ArrayList<>();
        List<Integer> sides = new ArrayList<>();
        List<MediaVariant> reused = new ArrayList<>();
        plan(media, original, MediaVariant.MEDIUM, config.getMediumSize(), names, sides, reused);
        plan(media, original, MediaVariant.THUMB, config.getThumbSize(), names, sides, reused);

        List<Encoded> made = List.of();
        Path directory = config.tempDirectory();
        Files.createDirectories(directory);
        Path local = Files.createTempFile(directory, "original-", "." + ImageFormat.byId(media.format()).extension());
        try {
            if (!sides.isEmpty()) {
                try (BlobStore.Blob blob = blobs.store().open(original.blobKey())
                        .orElseThrow(() -> new IOException("blob " + original.blobKey() + " of media " + mediaId + " is missing"));
                     InputStream in = blob.content()) {
                    Files.copy(in, local, StandardCopyOption.REPLACE_EXISTING);
                }
                try {
                    made = images.resize(local, ImageFormat.byId(media.format()), media.width(), media.height(), sides, directory);
                } catch (ImageRefusedException e) {
                    if (e.status() == 503) {
                        throw new IOException(e.getMessage(), e);
                    }
                    LOG.error("Media {}: its stored original cannot be decoded: {}", mediaId, e.getMessage());
                    jdbi.useExtension(MediaDao.class, dao -> dao.markFailed(mediaId, e.getMessage()));
                    return;
                }
                for (Encoded image : made) {
                    blobs.save(image);
                }
            }
            List<Encoded> encoded = made;
            jdbi.useTransaction(handle -> {
                MediaDao dao = handle.attach(MediaDao.class);
                for (int i = 0; i < encoded.size(); i++) {
                    Encoded image = encoded.get(i);
                    dao.insertVariant(mediaId, names.get(i), image.key(), image.width(), image.height());
                }
                for (MediaVariant variant : reused) {
                    dao.insertVariant(mediaId, variant.variant(), variant.blobKey(), variant.width(), variant.height());
                }
                dao.markReady(mediaId);
            });
        } finally {
            Files.deleteIfExists(local);
            for (Encoded image : made) {
                Files.deleteIfExists(image.file());
            }
        }
    }

    /** A size smaller than the original is made; otherwise the variant is the original's blob. */
    private static void plan(Media media, MediaVariant original, String name, int side, List<String> names,
                             List<Integer> sides, List<MediaVariant> reused) {
        if (media.width() <= side && media.height() <= side) {
            reused.add(new MediaVariant(media.id(), name, original.blobKey(), media.width(), media.height()));
        } else {
            names.add(name);
            sides.add(side);
        }
    }
}
