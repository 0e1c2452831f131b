package com.koomy.email;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.serialization.Mapper;
import io.github.bucket4j.redis.jedis.Bucket4jJedis;
import redis.clients.jedis.UnifiedJedis;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * SendGrid's request rate, shared by every worker through Redis (R10): token buckets refilled all
 * at once at the start of each second, so no calendar second sees more than {@code perSecond}
 * requests whatever the number of workers. Bulk mail (newsletter batches, reminders) draws from a
 * second, smaller bucket first, so at least one request a second is always left for transactional
 * mail (a password reset must not wait behind a 50,000-recipient newsletter).
 */
public class EmailRateLimiter {

    private final BucketProxy all;
    private final BucketProxy bulk;

    public EmailRateLimiter(UnifiedJedis redis, String keyPrefix, int perSecond) {
        ProxyManager<String> buckets = Bucket4jJedis.casBasedBuilder(redis)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                .keyMapper(Mapper.STRING)
                .build();
        this.all = buckets.builder().build(keyPrefix + ":all:" + perSecond, () -> perSecondBucket(perSecond));
        int bulkPerSecond = Math.max(1, perSecond - 1);
        this.bulk = buckets.builder().build(keyPrefix + ":bulk:" + bulkPerSecond, () -> perSecondBucket(bulkPerSecond));
    }

    private static BucketConfiguration perSecondBucket(int perSecond) {
        Instant nextSecond = Instant.ofEpochSecond(Instant.now().getEpochSecond() + 1);
        return BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(perSecond)
                        .refillIntervallyAligned(perSecond, Duration.ofSeconds(1), nextSecond)
                        .initialTokens(0)
                        .build())
                .build();
    }

    /** Takes a token now, or says how long until one is likely free (the caller reschedules). */
    public Optional<Duration> tryAcquire(boolean bulkMail) {
        if (bulkMail) {
            ConsumptionProbe probe = bulk.tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                return Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
            }
        }
        ConsumptionProbe probe = all.tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? Optional.empty() : Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }
}
