package com.koomy.worker.communities;

import com.koomy.cache.JsonCache;
import com.koomy.communities.Communities;
import com.koomy.communities.CommunityLife;
import com.koomy.communities.ExpireArchivedCheckouts;
import com.koomy.communities.PurgeCommunity;
import com.koomy.communities.SyncArchivedPlan;
import com.koomy.config.CacheFactory;
import com.koomy.config.RedisKeys;
import com.koomy.stripe.StripeGateway;
import com.koomy.worker.jobs.OutboxRoutes;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import io.dropwizard.util.Duration;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.scheduling.JobBuilder;
import org.jobrunr.scheduling.JobRequestScheduler;
import org.jobrunr.scheduling.RecurringJobBuilder;
import redis.clients.jedis.UnifiedJedis;

import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A community's life (issue 21) in the worker: the recurring purge of communities whose deletion grace
 * period ended, the plan's renewal following the archive (outbox kind {@value CommunityLife#PLAN_SYNC_KIND}) and
 * the expiry of the dues checkouts still open at the archive ({@value CommunityLife#CHECKOUTS_EXPIRE_KIND}).
 */
public final class CommunitiesWorker {

    /** How often the purge looks for due communities: the grace period is days, an hour late is nothing. */
    static final java.time.Duration PURGE_EVERY = java.time.Duration.ofHours(1);
    private static final int PLAN_SYNC_RETRIES = 10;

    private final PurgeCommunity.Handler purge;
    private final SyncArchivedPlan.Handler planSync;
    private final ExpireArchivedCheckouts.Handler checkoutsExpiry;

    public CommunitiesWorker(Jdbi jdbi, StripeGateway stripe, UnifiedJedis redis, RedisKeys keys, Environment environment) {
        // The API's cache of community pages, so that a purged community's page is not served from Redis.
        JsonCache<Communities.PublicPart> pages = new CacheFactory().build("communities", Communities.CACHE_SCHEMA,
                Duration.minutes(10), environment.getObjectMapper().constructType(Communities.PublicPart.class),
                redis, keys, environment);
        this.purge = new PurgeCommunity.Handler(jdbi, id -> pages.invalidate(id.toString()));
        this.planSync = new SyncArchivedPlan.Handler(jdbi, stripe);
        this.checkoutsExpiry = new ExpireArchivedCheckouts.Handler(jdbi, stripe);
    }

    public Map<Class<?>, Object> jobs() {
        return Map.of(PurgeCommunity.Handler.class, purge, SyncArchivedPlan.Handler.class, planSync,
                ExpireArchivedCheckouts.Handler.class, checkoutsExpiry);
    }

    public void routes(OutboxRoutes routes) {
        routes.route(CommunityLife.PLAN_SYNC_KIND, ref -> {
            String communityId = ref.split(":", 2)[0];
            return JobBuilder.aJob()
                    .withName("Make the plan of community " + communityId + " follow its archive")
                    .withAmountOfRetries(PLAN_SYNC_RETRIES)
                    .withJobRequest(new SyncArchivedPlan(UUID.fromString(communityId)));
        });
        routes.route(CommunityLife.CHECKOUTS_EXPIRE_KIND, ref -> {
            String communityId = ref.split(":", 2)[0];
            return JobBuilder.aJob()
                    .withName("Expire the open dues checkouts of archived community " + communityId)
                    .withAmountOfRetries(PLAN_SYNC_RETRIES)
                    .withJobRequest(new ExpireArchivedCheckouts(UUID.fromString(communityId)));
        });
    }

    /** Registered at every start under a stable id: JobRunr keeps one recurring job, updated in place. */
    public Managed recurringJobs(Supplier<JobRequestScheduler> scheduler) {
        return new Managed() {
            @Override
            public void start() {
                scheduler.get().createRecurrently(RecurringJobBuilder.aRecurringJob()
                        .withId(PurgeCommunity.RECURRING_ID)
                        .withName("Anonymise communities whose deletion grace period ended")
                        .withInterval(PURGE_EVERY)
                        .withJobRequest(new PurgeCommunity()));
            }
        };
    }
}
