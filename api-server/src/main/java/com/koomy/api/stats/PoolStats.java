package com.koomy.api.stats;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.koomy.config.RedisPools;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Connection pools as operators read them: active, idle, waiting and usage (active / max). The
 * database pools' own gauges are Dropwizard's ({@code io.dropwizard.db.ManagedPooledDataSource.<pool>.*});
 * we add {@code koomy.db.<pool>.usage} and the Redis pool's gauges ({@code koomy.redis.pool.*}).
 */
public class PoolStats {

    private static final String DB_GAUGES = "io.dropwizard.db.ManagedPooledDataSource.";

    public record PoolReading(long active, long idle, long waiting, long max, double usage) {
    }

    private final MetricRegistry metrics;
    private final Map<String, Integer> dbMaxSizes;
    private final RedisPools redisPools;

    /** {@code dbMaxSizes}: every database pool of the process by its metrics name, with its maxSize. */
    public PoolStats(MetricRegistry metrics, Map<String, Integer> dbMaxSizes, RedisPools redisPools) {
        this.metrics = metrics;
        this.dbMaxSizes = Map.copyOf(dbMaxSizes);
        this.redisPools = redisPools;
    }

    public void registerGauges() {
        dbMaxSizes.keySet().forEach(pool -> metrics.gauge("koomy.db." + pool + ".usage",
                () -> () -> database(pool).usage()));
        metrics.gauge("koomy.redis.pool.active", () -> () -> redis().active());
        metrics.gauge("koomy.redis.pool.idle", () -> () -> redis().idle());
        metrics.gauge("koomy.redis.pool.waiting", () -> () -> redis().waiting());
        metrics.gauge("koomy.redis.pool.usage", () -> () -> redis().usage());
    }

    public Map<String, PoolReading> databases() {
        Map<String, PoolReading> pools = new LinkedHashMap<>();
        dbMaxSizes.keySet().stream().sorted().forEach(pool -> pools.put(pool, database(pool)));
        return pools;
    }

    public PoolReading database(String pool) {
        long active = gauge(pool, "active");
        int max = dbMaxSizes.get(pool);
        return new PoolReading(active, gauge(pool, "idle"), gauge(pool, "waiting"), max, max == 0 ? 0 : (double) active / max);
    }

    public PoolReading redis() {
        long active = redisPools.active();
        int max = redisPools.maxTotal();
        return new PoolReading(active, redisPools.idle(), redisPools.waiting(), max,
                max <= 0 ? 0 : (double) active / max);
    }

    private long gauge(String pool, String name) {
        Gauge<?> gauge = metrics.getGauges().get(DB_GAUGES + pool + "." + name);
        return gauge != null && gauge.getValue() instanceof Number n ? n.longValue() : 0;
    }
}
