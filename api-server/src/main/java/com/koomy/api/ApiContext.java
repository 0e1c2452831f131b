package com.koomy.api;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.config.RedisKeys;
import com.koomy.db.KoomyDatabase;
import com.koomy.db.ReadDatabase;
import com.koomy.errors.ApiException;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jersey.setup.JerseyEnvironment;
import org.jdbi.v3.core.Jdbi;
import redis.clients.jedis.UnifiedJedis;

import java.time.Clock;

/**
 * What every feature's wiring ({@code XRoutes}) needs from the process: the configuration, Dropwizard's
 * environment, the databases, Redis and the clock. Built once at the top of {@link KoomyApiApplication#run}.
 */
public record ApiContext(ApiConfiguration config, Environment environment, Jdbi jdbi, ReadDatabase reads,
                         UnifiedJedis redis, RedisKeys redisKeys, Clock clock) {

    /** The primary's pool (and its health checks), Redis, the read replica when configured, metrics, admin. */
    static ApiContext build(ApiConfiguration config, Environment environment) {
        Jdbi jdbi = KoomyDatabase.jdbi(environment, config.getDatabase(), "postgresql");
        UnifiedJedis redis = config.getRedis().build(environment, "koomy-api");
        // database and redis here; jobs from the ops sampler's snapshot (OpsRoutes): no query per probe
        config.getHealth().registerConnectivity(environment, jdbi, redis);
        // Read-mostly queries (member directory, news feed, event lists, statistics) go to the read replica
        // when one is configured and close enough behind (issue 9; docs/operations.md, "Read replica"). Its
        // 403/404 answers are checked on the primary: a lagging replica does not know a member who just joined.
        ReadDatabase reads = config.getReadReplica().build(environment, config.getDatabase(), jdbi,
                e -> e instanceof ApiException refused && (refused.status() == 403 || refused.status() == 404));
        config.getGraphite().build(environment, "api");
        config.getPrometheus().serve(environment); // GET /prometheus on the admin port, behind its credentials
        config.getAdmin().protect(environment); // admin pages but /ping and /healthcheck need credentials
        // every key under redis.keyPrefix (docs/architecture.md)
        return new ApiContext(config, environment, jdbi, reads, redis, config.getRedis().keys(), Clock.systemUTC());
    }

    public ObjectMapper json() {
        return environment.getObjectMapper();
    }

    public MetricRegistry metrics() {
        return environment.metrics();
    }

    public JerseyEnvironment jersey() {
        return environment.jersey();
    }
}
