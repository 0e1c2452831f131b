package com.koomy.api.stats;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.NotNull;

/**
 * Request statistics: how often each instance flushes its counters to Redis and how long Redis keeps a
 * minute (keys under the stack's {@code redis.keyPrefix}).
 */
public class StatsFactory {

    @NotNull private Duration flushEvery = Duration.seconds(5);
    @NotNull private Duration retention = Duration.hours(2);

    @JsonProperty public Duration getFlushEvery() { return flushEvery; }
    @JsonProperty public void setFlushEvery(Duration d) { this.flushEvery = d; }
    @JsonProperty public Duration getRetention() { return retention; }
    @JsonProperty public void setRetention(Duration d) { this.retention = d; }
}
