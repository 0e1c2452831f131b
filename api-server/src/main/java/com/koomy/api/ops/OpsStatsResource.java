package com.koomy.api.ops;

import com.koomy.api.auth.Access;
import com.codahale.metrics.annotation.Timed;
import com.koomy.api.stats.JobSummary;
import com.koomy.api.stats.OpsSampler;
import com.koomy.api.stats.OpsSnapshot;
import com.koomy.api.stats.PoolStats;
import com.koomy.api.stats.RequestWindows;
import com.koomy.db.ReadDatabase;
import com.koomy.errors.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import com.koomy.api.docs.Refusal;

/** The operators' statistics: requests and jobs over the last hour, pools, queues, memory. */
@Access(Access.Who.OPERATOR)
@Path("/api/ops/stats")
@Tag(name = "ops")
@Produces(MediaType.APPLICATION_JSON)
public class OpsStatsResource {

    private final RequestWindows requests;
    private final OpsSampler sampler;
    private final PoolStats pools;
    /** Job statistics are read-mostly: the read replica's when there is one. */
    private final ReadDatabase reads;
    private final Clock clock;

    public OpsStatsResource(RequestWindows requests, OpsSampler sampler, PoolStats pools, ReadDatabase reads, Clock clock) {
        this.requests = requests;
        this.sampler = sampler;
        this.pools = pools;
        this.reads = reads;
        this.clock = clock;
    }

    @GET
    @Timed
    @Refusal(status = 400, codes = {"invalid_scope", "invalid_window"})
    @Operation(operationId = "getOpsStats", summary = "Requests and jobs per minute, error rates, latency percentiles, slowest routes, pools, queues",
            description = "scope=cluster (default) sums every API instance's counters from Redis; scope=instance is "
                    + "this instance only. When Redis is unreadable the cluster view falls back to this instance and "
                    + "`requests.degraded` says so. Queue, Stripe event and email counts are exact for the non-terminal states, "
                    + "sampled by one instance of the cluster (`countsSampledBy`, `countsSource`); terminal totals are "
                    + "estimates (`estimated`). minutes 1-120 (default 60). 400 for a bad scope or minutes. Operator only.")
    public OpsStats stats(@QueryParam("scope") @DefaultValue("cluster") String scope,
                          @QueryParam("minutes") @DefaultValue("60") int minutes,
                          @QueryParam("routes") @DefaultValue("10") int routes) {
        if (!scope.equals("cluster") && !scope.equals("instance")) {
            throw ApiException.invalidField("invalid_scope", "scope", "must be cluster or instance");
        }
        if (minutes < 1 || minutes > 120) {
            throw ApiException.invalidField("invalid_window", "minutes", "must be between 1 and 120");
        }
        if (routes < 1 || routes > 100) {
            throw ApiException.invalidField("invalid_window", "routes", "must be between 1 and 100");
        }
        RequestWindows.Window window = requests.last(minutes, scope.equals("cluster"));
        OpsSnapshot snapshot = sampler.last();
        return new OpsStats(clock.instant().toString(), minutes,
                new OpsStats.Requests(window.scope(), window.degraded(), window.summary(routes)),
                new OpsStats.Jobs(JobSummary.load(reads, clock.instant(), minutes),
                        snapshot.jobs() == null ? new OpsStats.QueueError(String.valueOf(snapshot.error())) : snapshot.jobs()),
                new OpsStats.Pools(pools.databases(), pools.redis()),
                new OpsStats.Webhooks(snapshot.stripeEvents(), String.valueOf(snapshot.stripeEventsFailingLastHour())),
                new OpsStats.Emails(snapshot.emails()), snapshot.at().toString(), String.valueOf(snapshot.sampledBy()),
                sampler.source(), estimates(snapshot), jvm(),
                // No application cache exists yet (no cache in front of the database or Redis): no hit ratio to show.
                new OpsStats.Cache("no application cache yet"));
    }

    private static OpsStats.Estimates estimates(OpsSnapshot snapshot) {
        OpsSnapshot.Estimates e = snapshot.estimates();
        return e == null ? new OpsStats.Estimates(OpsSnapshot.Estimates.METHOD, Map.of(), Map.of(), Map.of())
                : new OpsStats.Estimates(e.method(), e.jobs(), e.stripeEvents(), e.emails());
    }

    private static OpsStats.Jvm jvm() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        Map<String, OpsStats.Gc> gc = new LinkedHashMap<>();
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            gc.put(bean.getName(), new OpsStats.Gc(bean.getCollectionCount(), bean.getCollectionTime()));
        }
        return new OpsStats.Jvm(heap.getUsed(), heap.getMax(),
                heap.getMax() > 0 ? (double) heap.getUsed() / heap.getMax() : null, gc);
    }
}
