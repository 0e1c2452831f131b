package com.koomy.api.ops;

import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiContext;
import com.koomy.api.alerts.AlertCheck;
import com.koomy.api.alerts.AlertSignals;
import com.koomy.api.alerts.Alerts;
import com.koomy.api.http.HttpBasics;
import com.koomy.api.health.JobQueueSnapshotCheck;
import com.koomy.api.stats.DatabaseCounts;
import com.koomy.api.stats.OpsSampler;
import com.koomy.api.stats.PoolStats;
import com.koomy.api.stats.RequestStats;
import com.koomy.api.stats.RequestStatsFilter;
import com.koomy.api.stats.RequestWindows;
import com.koomy.api.stats.RouteTemplateFilter;
import com.koomy.api.stats.SharedSnapshot;
import com.koomy.api.stats.StatsFlusher;
import com.koomy.api.stats.StatsStore;
import com.koomy.config.ReadReplicaFactory;
import com.koomy.config.RedisPools;
import com.koomy.newsletters.ListUnsubscribe;
import com.koomy.newsletters.UnsubscribeTokens;
import io.dropwizard.core.setup.Environment;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.UUID;

/**
 * Operators' routes ({@code /api/ops/*}): the outbox of emails, request statistics and alerts (issue 7;
 * docs/operations.md, "Alerts"). Requests are counted in memory per route template, flushed to Redis
 * (summed over instances); alerts are evaluated on a schedule and never change /api/health's status
 * (see AlertCheck). Register it before the fast paths: its statistics filter must see their requests too.
 */
public final class OpsRoutes {

    private OpsRoutes() {
    }

    public static void register(ApiContext app) {
        ApiConfiguration config = app.config();
        Environment environment = app.environment();
        // Newsletters' List-Unsubscribe headers, as the worker computes them, for the outbox and the API's checks.
        app.jersey().register(new OpsOutboxResource(app.jdbi(), new ListUnsubscribe(config.getPublicUrl(),
                config.getSendgrid().getFromEmail(), UnsubscribeTokens.orNull(config.getUnsubscribeSecret()))));

        RequestStats requestStats = new RequestStats(app.clock());
        StatsStore statsStore = new StatsStore(app.redis(), app.redisKeys(), config.getStats().getRetention().toJavaDuration());
        StatsFlusher statsFlusher = new StatsFlusher(requestStats, statsStore, config.getStats().getFlushEvery().toJavaDuration(),
                config.getStats().getRetention().toJavaDuration(), app.clock());
        environment.lifecycle().manage(statsFlusher);
        RequestWindows requestWindows = new RequestWindows(statsStore, statsFlusher, app.clock());
        HttpBasics.apiFilter(environment, "request-stats", new RequestStatsFilter(requestStats, environment.metrics()));
        app.jersey().register(new RouteTemplateFilter());

        PoolStats pools = new PoolStats(environment.metrics(), config.getReadReplica().isEnabled()
                ? Map.of("postgresql", config.getDatabase().getMaxSize(), ReadReplicaFactory.POOL, config.getReadReplica().getMaxSize())
                : Map.of("postgresql", config.getDatabase().getMaxSize()), new RedisPools(app.redis()));
        pools.registerGauges();
        Alerts alerts = new Alerts(AlertSignals.all(config.getAlerts(), pools, ManagementFactory.getMemoryMXBean()),
                requestWindows, (int) Math.max(1, config.getAlerts().getWindow().toMinutes()), app.clock());
        alerts.names().forEach(name -> environment.healthChecks().register(AlertCheck.PREFIX + name, new AlertCheck(alerts, name)));
        // One instance of the cluster queries the counts (a Redis lease), the others read its snapshot; alerts
        // stay per instance (issue 23; docs/architecture.md, "Operations counts").
        java.time.Duration every = config.getAlerts().getEvaluateEvery().toJavaDuration();
        OpsSampler opsSampler = new OpsSampler(new DatabaseCounts(app.jdbi(), app.clock(),
                config.getHealth().getJobServerMaxHeartbeatAge().toJavaDuration(), config.getAlerts().getFailedJobsWindow().toJavaDuration()),
                new SharedSnapshot(app.redis(), app.redisKeys(), app.json(), instanceName(), OpsSampler.staleAfter(every)),
                app.clock(), every, alerts::evaluate);
        opsSampler.registerGauges(environment.metrics());
        environment.lifecycle().manage(opsSampler);
        environment.healthChecks().register("jobs", new JobQueueSnapshotCheck(opsSampler));
        app.jersey().register(new OpsStatsResource(requestWindows, opsSampler, pools, app.reads(), app.clock()));
        app.jersey().register(new OpsAlertsResource(alerts));
    }

    /** This instance in the ops JSON's {@code countsSampledBy}: the host (a pod's name) and a suffix unique to the process. */
    private static String instanceName() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "api";
            }
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
