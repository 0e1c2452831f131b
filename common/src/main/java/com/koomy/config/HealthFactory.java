package com.koomy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.koomy.health.DatabaseHealthCheck;
import com.koomy.health.JobQueueHealthCheck;
import com.koomy.health.Readiness;
import com.koomy.health.RedisHealthCheck;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.NotNull;
import org.jdbi.v3.core.Jdbi;
import redis.clients.jedis.UnifiedJedis;


/** The checks every process runs, under the names {@code /api/health} reports. */
public class HealthFactory {

    /** JobRunr considers a server gone after 4 poll intervals (20 s at 5 s); we allow a little more. */
    @NotNull private Duration jobServerMaxHeartbeatAge = Duration.seconds(30);

    public void register(Environment environment, Jdbi jdbi, UnifiedJedis redis) {
        registerConnectivity(environment, jdbi, redis);
        environment.healthChecks().register("jobs", new JobQueueHealthCheck(jdbi,
                jobServerMaxHeartbeatAge.toJavaDuration()));
    }

    /**
     * The connectivity checks alone ({@code database}: SELECT 1 through the process's pool; {@code redis}:
     * PING), for a process that registers its {@code jobs} check from figures it already samples (the API:
     * from the ops sampler's snapshot). Both cost one round trip and no read of any table; the database one
     * stays a live query because readiness means precisely that this process's pool can reach PostgreSQL now.
     */
    public void registerConnectivity(Environment environment, Jdbi jdbi, UnifiedJedis redis) {
        environment.healthChecks().register("database", new DatabaseHealthCheck(jdbi));
        environment.healthChecks().register("redis", new RedisHealthCheck(redis));
    }

    /**
     * Readiness from the checks {@code names} (this process's own work), served at {@code GET /ready} on the
     * admin port; results at most a second old.
     */
    public Readiness readiness(Environment environment, String... names) {
        return new Readiness(environment.healthChecks(), java.util.List.of(names), java.time.Duration.ofSeconds(1))
                .serveOnAdminPort(environment);
    }

    @JsonProperty public Duration getJobServerMaxHeartbeatAge() { return jobServerMaxHeartbeatAge; }
    @JsonProperty public void setJobServerMaxHeartbeatAge(Duration d) { this.jobServerMaxHeartbeatAge = d; }
}
