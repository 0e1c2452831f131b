package com.koomy.media;

import com.koomy.media.storage.BlobStore;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.jobs.lambdas.JobRequestHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Collects what no page shows any more, once the grace period has passed since it stopped being
 * shown, so a URL cached by a browser, a CDN or a mail client keeps working meanwhile:
 * <ol>
 *   <li>releases images whose target is gone (a deleted news post, a member who left);</li>
 *   <li>deletes images released before the cutoff, with their variants;</li>
 *   <li>deletes blobs that no variant references and that nobody touched since the cutoff, from
 *       storage and then from the registry, a batch at a time, each batch locked
 *       ({@link MediaBlobDao#lockCollectable}) so an upload of the same bytes waits and re-registers them.</li>
 * </ol>
 * A storage error leaves the batch in place (its transaction rolls back) and fails the run; the next
 * run tries again. Running twice at once is safe: the batches skip each other's locked rows.
 */
public class CollectOrphanMediaJob implements JobRequestHandler<CollectOrphanMedia> {

    private static final Logger LOG = LoggerFactory.getLogger(CollectOrphanMediaJob.class);
    private static final int BATCH = 100;

    private final Jdbi jdbi;
    private final BlobStore store;
    private final Duration grace;
    private final Clock clock;

    public CollectOrphanMediaJob(Jdbi jdbi, BlobStore store, Duration grace, Clock clock) {
        this.jdbi = jdbi;
        this.store = store;
        this.grace = grace;
        this.clock = clock;
    }

    /** What one run did. */
    public record Collected(int released, int mediaDeleted, int blobsDeleted) {
    }

    @Override
    public void run(CollectOrphanMedia request) throws IOException {
        collect();
    }

    public Collected collect() throws IOException {
        Instant cutoff = clock.instant().minus(grace);
        int released = jdbi.inTransaction(handle -> {
            MediaDao media = handle.attach(MediaDao.class);
            return media.releaseImagesOfDeletedNews() + media.releaseAvatarsOfFormerMembers();
        });
        int mediaDeleted = jdbi.withExtension(MediaDao.class, media -> media.deleteReleasedBefore(cutoff));
        int blobsDeleted = 0;
        while (true) {
            int deleted = jdbi.inTransaction(handle -> {
                MediaBlobDao blobs = handle.attach(MediaBlobDao.class);
                List<String> keys = blobs.lockCollectable(cutoff, BATCH);
                for (String key : keys) {
                    store.delete(key);
                }
                return keys.isEmpty() ? 0 : blobs.delete(keys);
            });
            blobsDeleted += deleted;
            if (deleted < BATCH) {
                break;
            }
        }
        LOG.info("Media collection (grace {}): {} images released with their target, {} released images deleted, "
                + "{} blobs deleted", grace, released, mediaDeleted, blobsDeleted);
        return new Collected(released, mediaDeleted, blobsDeleted);
    }
}
