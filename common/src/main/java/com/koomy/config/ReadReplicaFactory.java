package com.koomy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.koomy.db.KoomyDataSourceFactory;
import com.koomy.db.KoomyDatabase;
import com.koomy.db.ReadDatabase;
import com.koomy.db.ReplicaMonitor;
import com.koomy.health.ReadReplicaHealthCheck;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The optional read replica (docs/operations.md, "Read replica"): a second pool, on {@code url}, for
 * the reads {@link ReadDatabase} serves. Empty {@code url}: no replica, every read on the primary.
 * The replica's pool is a {@link DataSourceFactory} derived from the primary's (same driver, timeouts,
 * validation and connection properties), with its own URL, credentials (empty: the primary's; a
 * streaming replica has the same roles), size, and read-only connections; it is built by Dropwizard's
 * JdbiFactory, so it has its own health check ({@value #POOL}) and pool metrics.
 */
public class ReadReplicaFactory {

    /** The replica pool's name: health check and metrics ({@code io.dropwizard.db.ManagedPooledDataSource.postgresql-read.*}). */
    public static final String POOL = "postgresql-read";
    /** The health check saying whether reads go to the replica now. */
    public static final String CHECK = "read-replica";
    /** Checks that report the replica but never make an instance unhealthy: reads fall back to the primary. */
    public static final Set<String> HEALTH_CHECKS = Set.of(POOL, CHECK);

    @NotNull private String url = "";
    private String user = "";
    private String password = "";
    @Min(1) private int maxSize = 20;
    /** A replica further behind than this serves no reads until it catches up. */
    @NotNull @MinDuration(value = 0, unit = TimeUnit.MILLISECONDS, inclusive = false)
    private Duration maxLag = Duration.seconds(5);
    @NotNull @MinDuration(value = 50, unit = TimeUnit.MILLISECONDS)
    private Duration checkEvery = Duration.seconds(1);

    public boolean isEnabled() {
        return !url.isBlank();
    }

    /**
     * The reads' database: the primary alone when no replica is configured; otherwise the replica's pool,
     * its lag monitor (managed), health check and gauges. {@code askPrimary}: see {@link ReadDatabase}.
     */
    public ReadDatabase build(Environment environment, DataSourceFactory primaryConfig, Jdbi primary,
                              Predicate<RuntimeException> askPrimary) {
        if (!isEnabled()) {
            return ReadDatabase.primaryOnly(primary);
        }
        DataSourceFactory replicaConfig = dataSource(primaryConfig);
        ManagedDataSource pool = KoomyDatabase.pool(environment, replicaConfig, POOL);
        Jdbi replica = KoomyDatabase.jdbi(environment, replicaConfig, pool, POOL);
        // When the replica fails, its pooled connections are dropped: the pool hands broken ones out again
        // otherwise (no test on borrow), and a restarted replica would keep failing reads until they age out.
        Runnable reconnect = pool instanceof org.apache.tomcat.jdbc.pool.DataSourceProxy tomcat ? tomcat::purge : () -> { };
        ReplicaMonitor monitor = new ReplicaMonitor(primary, replica, reconnect, maxLag.toJavaDuration(),
                checkEvery.toJavaDuration(), Clock.systemUTC());
        environment.lifecycle().manage(monitor);
        environment.healthChecks().register(CHECK, new ReadReplicaHealthCheck(monitor));
        monitor.registerGauges(environment.metrics());
        return new ReadDatabase(primary, monitor, askPrimary, environment.metrics());
    }

    /** The replica's pool: the primary's settings with this URL, credentials and size; read-only; starts empty. */
    DataSourceFactory dataSource(DataSourceFactory primary) {
        KoomyDataSourceFactory replica = new KoomyDataSourceFactory();
        replica.setTransactionPooling(KoomyDataSourceFactory.transactionPooling(primary));
        replica.setDriverClass(primary.getDriverClass());
        replica.setUrl(url);
        replica.setUser(user == null || user.isBlank() ? primary.getUser() : user);
        replica.setPassword(user == null || user.isBlank() ? primary.getPassword() : password);
        Map<String, String> properties = new LinkedHashMap<>(primary.getProperties());
        properties.computeIfPresent("ApplicationName", (k, name) -> name + "-read");
        // A replica that does not answer costs a read at most this long before reads skip it.
        properties.put("connectTimeout", "2");
        // A replica is read-only: the primary's targetServerType=primary would refuse it.
        properties.put("targetServerType", "any");
        replica.setProperties(properties);
        replica.setMaxSize(maxSize);
        // Empty at start, so an API starts (reading from the primary) while its replica is down.
        replica.setInitialSize(0);
        replica.setMinSize(0);
        replica.setReadOnlyByDefault(true);
        replica.setMaxWaitForConnection(primary.getMaxWaitForConnection());
        // Not the primary's query, which refuses a read-only server (a demoted primary): a replica is one.
        replica.setValidationQuery("/* koomy-api read */ SELECT 1");
        replica.setCheckConnectionOnConnect(primary.getCheckConnectionOnConnect());
        replica.setValidationInterval(primary.getValidationInterval());
        primary.getValidationQueryTimeout().ifPresent(replica::setValidationQueryTimeout);
        replica.setCheckConnectionWhileIdle(primary.getCheckConnectionWhileIdle());
        replica.setCheckConnectionOnBorrow(primary.getCheckConnectionOnBorrow());
        replica.setEvictionInterval(primary.getEvictionInterval());
        replica.setMinIdleTime(primary.getMinIdleTime());
        return replica;
    }

    @JsonProperty public String getUrl() { return url; }
    @JsonProperty public void setUrl(String url) { this.url = url == null ? "" : url; }
    @JsonProperty public String getUser() { return user; }
    @JsonProperty public void setUser(String user) { this.user = user; }
    @JsonProperty public String getPassword() { return password; }
    @JsonProperty public void setPassword(String password) { this.password = password; }
    @JsonProperty public int getMaxSize() { return maxSize; }
    @JsonProperty public void setMaxSize(int maxSize) { this.maxSize = maxSize; }
    @JsonProperty public Duration getMaxLag() { return maxLag; }
    @JsonProperty public void setMaxLag(Duration maxLag) { this.maxLag = maxLag; }
    @JsonProperty public Duration getCheckEvery() { return checkEvery; }
    @JsonProperty public void setCheckEvery(Duration checkEvery) { this.checkEvery = checkEvery; }
}
