package com.koomy.api.ratelimit;

import com.codahale.metrics.Meter;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.codahale.metrics.MetricRegistry;
import com.koomy.config.RedisKeys;
import com.koomy.api.http.LocalWeight;
import com.koomy.errors.ApiException;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.serialization.Mapper;
import io.github.bucket4j.redis.jedis.Bucket4jJedis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

import java.time.Duration;
import java.util.Map;

/**
 * Token buckets per (policy, subject) in Redis (bucket4j), so a limit holds across API instances.
 * If Redis fails, a fail-closed policy refuses with 503 and the others fall back to buckets in this
 * process's memory (each instance then allows the limit on its own).
 */
public class RateLimiter {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);

    /** The limiter when rate limits are off by configuration: every check passes, nothing is counted. */
    public static final RateLimiter NONE = new RateLimiter() {
        @Override
        public void check(String policyName, String subject, long cost) {
        }

        @Override
        public void giveBack(String policyName, String subject, long units) {
        }
    };
    /** Room for the fallback buckets: about 40,000 at ~400 bytes (key, bucket, the cache's node). */
    private static final long LOCAL_BYTES = 16L << 20;
    private static final int LOCAL_BUCKET_BYTES = 240;
    private static final byte[] NO_BODY = {};

    private final ProxyManager<String> redisBuckets;
    private final Map<String, RateLimitPolicy> policies;
    private final RedisKeys keys;
    private final Cache<String, Bucket> localBuckets;
    private final Meter limited;
    private final Meter fallbacks;

    public RateLimiter(UnifiedJedis redis, Map<String, RateLimitPolicy> policies, RedisKeys keys, MetricRegistry metrics) {
        this.redisBuckets = Bucket4jJedis.casBasedBuilder(redis)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(60)))
                .keyMapper(Mapper.STRING)
                .build();
        this.policies = Map.copyOf(policies);
        this.keys = keys;
        this.limited = metrics.meter("koomy.ratelimit.refused");
        this.fallbacks = metrics.meter("koomy.ratelimit.local-fallback");
        // A bucket idle for its policy's whole period is full again: the same as a new one, so it may go.
        Duration longest = policies.values().stream().map(p -> p.getPeriod().toJavaDuration())
                .max(Duration::compareTo).orElse(Duration.ofMinutes(1));
        this.localBuckets = Caffeine.newBuilder()
                .expireAfterAccess(longest)
                .maximumWeight(LOCAL_BYTES)
                .weigher((String key, Bucket bucket) -> LocalWeight.of(NO_BODY, key) + LOCAL_BUCKET_BYTES)
                .build();
    }

    private RateLimiter() {
        this.redisBuckets = null;
        this.policies = Map.of();
        this.keys = null;
        this.limited = new Meter();
        this.fallbacks = new Meter();
        this.localBuckets = Caffeine.newBuilder().maximumSize(0).build();
    }

    /** Counts one request of {@code subject} against {@code policy}; throws when over the limit. */
    public void check(String policyName, String subject) {
        check(policyName, subject, 1);
    }

    /**
     * The refusal of a limit: 429 {@code rate_limited}, or 503 {@code rate_limit_unavailable} for a fail-closed
     * limit that cannot be checked; both with Retry-After.
     */
    public static ApiException refusal(String message, long retryAfterSeconds, boolean unavailable) {
        return unavailable ? ApiException.retryLater(503, "rate_limit_unavailable", message, retryAfterSeconds)
                : ApiException.retryLater(429, "rate_limited", message, retryAfterSeconds);
    }

    /**
     * Counts {@code cost} units of work of {@code subject} (codes verified, say) against {@code policy}, all
     * or nothing; throws when over the limit. A cost over the policy's capacity counts as the capacity.
     */
    public void check(String policyName, String subject, long cost) {
        RateLimitPolicy policy = policy(policyName);
        String key = keys.rateLimit(policyName, subject);
        long tokens = Math.max(1, Math.min(cost, policy.getRequests()));
        ConsumptionProbe probe;
        try {
            probe = redisBucket(key, policy).tryConsumeAndReturnRemaining(tokens);
        } catch (RuntimeException e) {
            if (policy.isFailClosed()) {
                LOG.warn("Rate limit {} cannot be checked (Redis: {}); refusing", policyName, e.toString());
                throw refusal("this route is unavailable while its rate limit cannot be checked; retry later",
                        30, true);
            }
            fallbacks.mark();
            probe = localBuckets.get(key, k -> Bucket.builder().addLimit(bandwidth(policy)).build())
                    .tryConsumeAndReturnRemaining(tokens);
        }
        if (!probe.isConsumed()) {
            limited.mark();
            long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
            throw refusal("too many requests; retry in " + seconds + " s", seconds, false);
        }
    }

    /** Gives back {@code units} counted by {@link #check(String, String, long)} for work that was not done. */
    public void giveBack(String policyName, String subject, long units) {
        if (units <= 0) {
            return;
        }
        RateLimitPolicy policy = policy(policyName);
        String key = keys.rateLimit(policyName, subject);
        try {
            redisBucket(key, policy).addTokens(units);
        } catch (RuntimeException e) {
            // The local fallback bucket, if that is where the units were counted; else nothing to give back.
            Bucket local = localBuckets.getIfPresent(key);
            if (local != null) {
                local.addTokens(units);
            }
        }
    }

    private RateLimitPolicy policy(String policyName) {
        RateLimitPolicy policy = policies.get(policyName);
        if (policy == null) {
            throw new IllegalArgumentException("no rate limit policy named " + policyName);
        }
        return policy;
    }

    private Bucket redisBucket(String key, RateLimitPolicy policy) {
        // A changed policy replaces the one stored with the bucket (bucket4j keeps the first otherwise).
        return redisBuckets.builder()
                .withImplicitConfigurationReplacement(version(policy), TokensInheritanceStrategy.PROPORTIONALLY)
                .build(key, () -> configuration(policy));
    }

    private static long version(RateLimitPolicy policy) {
        return policy.getRequests() * 1_000_003L + policy.getPeriod().toMilliseconds();
    }

    private static BucketConfiguration configuration(RateLimitPolicy policy) {
        return BucketConfiguration.builder().addLimit(bandwidth(policy)).build();
    }

    private static Bandwidth bandwidth(RateLimitPolicy policy) {
        return Bandwidth.builder().capacity(policy.getRequests())
                .refillGreedy(policy.getRequests(), policy.getPeriod().toJavaDuration())
                .build();
    }
}
