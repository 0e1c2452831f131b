package com.koomy.worker.media;

import com.koomy.config.MediaFactory;
import com.koomy.media.CollectOrphanMedia;
import com.koomy.media.CollectOrphanMediaJob;
import com.koomy.media.MakeMediaVariants;
import com.koomy.media.MakeMediaVariantsJob;
import com.koomy.media.Media;
import com.koomy.media.MediaBlobs;
import com.koomy.media.image.ImagePipeline;
import com.koomy.worker.jobs.OutboxRoutes;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.scheduling.JobBuilder;
import org.jobrunr.scheduling.JobRequestScheduler;
import org.jobrunr.scheduling.RecurringJobBuilder;

import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/** Media (issue 8): the smaller sizes of uploaded images, and the recurring collection of orphans. */
public final class MediaWorker {

    /** Retries of an image's sizes after a storage error (3^n s apart); the original stays usable meanwhile. */
    private static final int MEDIA_RETRIES = 5;

    private final MediaFactory media;
    private final MakeMediaVariantsJob makeVariants;
    private final CollectOrphanMediaJob collectOrphans;

    public MediaWorker(MediaFactory media, Environment environment, Jdbi jdbi) {
        this.media = media;
        MediaBlobs blobs = new MediaBlobs(jdbi, media.getStorage().build(environment.lifecycle()));
        this.makeVariants = new MakeMediaVariantsJob(jdbi, new ImagePipeline(media).registerMetrics(environment.metrics()),
                blobs, media);
        this.collectOrphans = new CollectOrphanMediaJob(jdbi, blobs.store(), media.getOrphanGrace().toJavaDuration(),
                Clock.systemUTC());
    }

    public Map<Class<?>, Object> jobs() {
        return Map.of(MakeMediaVariantsJob.class, makeVariants, CollectOrphanMediaJob.class, collectOrphans);
    }

    public void routes(OutboxRoutes routes) {
        routes.route(Media.OUTBOX_KIND, mediaId -> JobBuilder.aJob()
                .withName("Make the sizes of image " + mediaId)
                .withAmountOfRetries(MEDIA_RETRIES)
                .withJobRequest(new MakeMediaVariants(UUID.fromString(mediaId))));
    }

    /** Registered at every start under a stable id: JobRunr keeps one recurring job, updated in place. */
    public Managed recurringJobs(Supplier<JobRequestScheduler> scheduler) {
        return new Managed() {
            @Override
            public void start() {
                scheduler.get().createRecurrently(RecurringJobBuilder.aRecurringJob()
                        .withId(CollectOrphanMedia.RECURRING_ID)
                        .withName("Collect orphaned media (grace " + media.getOrphanGrace() + ")")
                        .withInterval(media.getCollectEvery().toJavaDuration())
                        .withJobRequest(new CollectOrphanMedia()));
            }
        };
    }
}
