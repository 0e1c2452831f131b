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
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;

/**
 * SendGrid's request rate, shared by every worker through Redis (R10): token buckets refilled all
 * at once at the start of each second, so no calendar second hands out more than {@code perSecond}
 * tokens whatever the number of workers. Bulk mail (newsletter batches, reminders) draws from a
 * second, smaller bucket first, so at least one request a second is always left for transactional
 * mail (a password reset must not wait behind a 50,000-recipient newsletter).
 * <p>
 * Without a token the caller reschedules its job rather than hold a worker thread; but JobRunr's
 * free edition starts scheduled jobs only at its poll (every 5 s or more), which alone would cap
 * throughput at one second of tokens per poll. So up to {@code inlineWaiters} threads per process
 * may wait, at most {@code maxInlineWait} each, for the next second's tokens; the others reschedule.
 */
public class EmailRateLimiter {

    private final BucketProxy all;
    private final BucketProxy bulk;
    private final Semaphore waiters;
    private final Duration maxInlineWait;

    public EmailRateLimiter(UnifiedJedis redis, String keyPrefix, int perSecond) {
        this(redis, keyPrefix, perSecond, 2, Duration.ofMillis(1500));
    }

    public EmailRateLimiter(UnifiedJedis redis, String keyPrefix, int perSecond, int inlineWaiters, Duration maxInlineWait) {
        this.waiters = new Semaphore(inlineWaiters);
        this.maxInlineWait = maxInlineWait;
        ProxyManager<String> buckets = Bucket4jJedis.casBasedBuilder(redis)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(10)))
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
                        .build())
                .build();
    }

    /**
     * Takes a token, waiting briefly for the next second's when a waiter slot is free; otherwise says
     * how long until one is likely free (the caller reschedules).
     */
    public Optional<Duration> tryAcquire(boolean bulkMail) {
        Optional<Duration> wait = tryOnce(bulkMail);
        if (wait.isEmpty() || wait.get().compareTo(maxInlineWait) > 0 || !waiters.tryAcquire()) {
            return wait;
        }
        try {
            long deadline = System.nanoTime() + maxInlineWait.toNanos();
            while (wait.isPresent() && System.nanoTime() + wait.get().toNanos() < deadline) {
                Thread.sleep(wait.get().toMillis() + ThreadLocalRandom.current().nextInt(1, 30));
                wait = tryOnce(bulkMail);
            }
            return wait;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return wait;
        } finally {
            waiters.release();
        }
    }

    private Optional<Duration> tryOnce(boolean bulkMail) {
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
