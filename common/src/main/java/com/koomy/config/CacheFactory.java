package com.koomy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JavaType;
import com.koomy.cache.JsonCache;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.NotNull;
import redis.clients.jedis.UnifiedJedis;

import java.time.Clock;

/** Lifetimes of the Redis read caches (R3); writes invalidate entries long before these run out. */
public class CacheFactory {

    /** A community's public page (its settings and active member count). */
    @NotNull private Duration communityTtl = Duration.minutes(10);
    /**
     * How long an API instance answers a signed-out community page from its own memory before asking
     * Redis again (0: never). The instance that makes a change drops its copy at once; other instances
     * show it within this delay, far below the page's public max-age of 60 s.
     */
    @NotNull private Duration publicPageLocalTtl = Duration.seconds(1);
    /** The most those pages may take in an API instance's memory (bodies, ETags, entries; ~400 bytes a page). */
    @NotNull private DataSize publicPageLocalMaxSize = DataSize.mebibytes(8);
    /**
     * How long an API instance answers a member directory page from its own memory (0: never). The
     * caller's right is checked on every request; the instance that changes a membership drops the
     * community's pages at once, other changes (other instances, dues paid, renamed accounts) show
     * within this delay.
     */
    @NotNull private Duration directoryLocalTtl = Duration.seconds(1);
    /** The most those pages may take in an API instance's memory (~4.5 KB a page of 20 members). */
    @NotNull private DataSize directoryLocalMaxSize = DataSize.mebibytes(16);
    /** The plans list (billing). */
    @NotNull private Duration plansTtl = Duration.hours(1);
    /**
     * A page of discovery (public communities by name and city) in Redis. No write can invalidate every
     * query's entry, so a new, renamed or archived community shows there within this delay.
     */
    @NotNull private Duration discoveryTtl = Duration.seconds(30);

    /** A cache named {@code name} (metrics koomy.cache.&lt;name&gt;.*); {@code schema}: bump when the type changes. */
    public <T> JsonCache<T> build(String name, int schema, Duration ttl, JavaType type, UnifiedJedis redis,
                                  RedisKeys keys, Environment environment) {
        return new JsonCache<>(name, schema, ttl.toJavaDuration(), type, redis, keys,
                environment.getObjectMapper(), environment.metrics(), Clock.systemUTC());
    }

    @JsonProperty public Duration getCommunityTtl() { return communityTtl; }
    @JsonProperty public void setCommunityTtl(Duration communityTtl) { this.communityTtl = communityTtl; }
    @JsonProperty public Duration getPublicPageLocalTtl() { return publicPageLocalTtl; }
    @JsonProperty public void setPublicPageLocalTtl(Duration publicPageLocalTtl) { this.publicPageLocalTtl = publicPageLocalTtl; }
    @JsonProperty public Duration getDirectoryLocalTtl() { return directoryLocalTtl; }
    @JsonProperty public DataSize getPublicPageLocalMaxSize() { return publicPageLocalMaxSize; }
    @JsonProperty public void setPublicPageLocalMaxSize(DataSize size) { this.publicPageLocalMaxSize = size; }
    @JsonProperty public DataSize getDirectoryLocalMaxSize() { return directoryLocalMaxSize; }
    @JsonProperty public void setDirectoryLocalMaxSize(DataSize size) { this.directoryLocalMaxSize = size; }
    @JsonProperty public void setDirectoryLocalTtl(Duration directoryLocalTtl) { this.directoryLocalTtl = directoryLocalTtl; }
    @JsonProperty public Duration getPlansTtl() { return plansTtl; }
    @JsonProperty public Duration getDiscoveryTtl() { return discoveryTtl; }
    @JsonProperty public void setDiscoveryTtl(Duration discoveryTtl) { this.discoveryTtl = discoveryTtl; }
    @JsonProperty public void setPlansTtl(Duration plansTtl) { this.plansTtl = plansTtl; }
}
