package com.koomy.api.stats;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

/**
 * Request statistics: how often each instance flushes its counters to Redis, how long Redis keeps a
 * minute, and the key namespace (one per environment sharing a Redis; tests use their own).
 */
public class StatsFactory {

    @NotEmpty private String redisNamespace = "koomy";
    @NotNull private Duration flushEvery = Duration.seconds(5);
    @NotNull private Duration retention = Duration.hours(2);

    @JsonProperty public String getRedisNamespace() { return redisNamespace; }
    @JsonProperty public void setRedisNamespace(String ns) { this.redisNamespace = ns; }
    @JsonProperty public Duration getFlushEvery() { return flushEvery; }
    @JsonProperty public void setFlushEvery(Duration d) { this.flushEvery = d; }
    @JsonProperty public Duration getRetention() { return retention; }
    @JsonProperty public void setRetention(Duration d) { this.retention = d; }
}
