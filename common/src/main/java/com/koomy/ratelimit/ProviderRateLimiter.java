package com.koomy.ratelimit;

import redis.clients.jedis.UnifiedJedis;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An outbound provider's request rate (SendGrid's for the email workers, Stripe's for {@link
 * com.koomy.stripe.StripeGateway}), shared by every process through Redis (R10): a counter per calendar
 * second of the Redis server's clock, incremented by one Lua script (atomic, whatever the number of
 * workers and whatever their clocks), so no second hands out more than {@code perSecond} requests.
 * Bulk mail (newsletter batches, reminders) also counts against a second counter, one smaller until
 * {@code reserveUntil} into the second (750 ms), so one request is kept for transactional mail while
 * it may still come (a password reset must not wait behind a 50,000-recipient newsletter); after that
 * point bulk mail may take the kept request too. A reserve kept for the whole second cost bulk mail a
 * share of the limit that transactional mail rarely used: at 5 requests/s a newsletter went at 4 (250 s
 * for 1,000,000 recipients, 200 s with the reserve released); transactional mail that finds the last
 * request taken waits for the next second, at most {@code 1 s - reserveUntil} (250 ms).
 * <p>
 * Not bucket4j here, unlike the API's limits: in the two-worker test its compare-and-swap buckets let
 * both processes take a full second of tokens in the same second (6 requests at 3/s); the API's
 * limits tolerate that, a provider's limit does not.
 * <p>
 * Without a token the caller's email waits in the queue ({@link com.koomy.email.EmailPacer}) rather than
 * hold a worker thread (a Stripe call waits in its thread, up to the gateway's limit). Up to {@code inlineWaiters} threads per process may still wait, at most {@code maxInlineWait}
 * each, for the next second's tokens (no round trip through the table); the others wait in the queue.
 */
public class ProviderRateLimiter {

    /** No limit: every request may go at once (the sink, or a benchmark with the limit lifted). */
    public static final ProviderRateLimiter NONE = new ProviderRateLimiter(null, "none", Integer.MAX_VALUE, 0, Duration.ZERO) {
        @Override
        public Optional<Duration> tryAcquire(boolean bulkMail) {
            return Optional.empty();
        }
    };

    /**
     * KEYS[1] the counter (a hash: the second of Redis's clock it counts, and the count); ARGV[1] the limit
     * before ARGV[3] microseconds into the second, ARGV[2] the limit after. A refusal takes nothing (a
     * refused attempt that counted would eat into the limit after the reserve's release).
     * One key per counter, passed in, so the script touches nothing it was not given (Redis Cluster).
     * Returns {granted 0/1, microseconds into the second, 1 if refused only because the reserve is kept}.
     */
    private static final String TAKE = """
            local now = redis.call('TIME')
            local micros = tonumber(now[2])
            local n = 0
            if redis.call('HGET', KEYS[1], 's') == now[1] then
              n = tonumber(redis.call('HGET', KEYS[1], 'n'))
            else
              redis.call('HSET', KEYS[1], 's', now[1], 'n', 0)
              redis.call('EXPIRE', KEYS[1], 5)
            end
            local limit = tonumber(ARGV[1])
            if micros >= tonumber(ARGV[3]) then limit = tonumber(ARGV[2]) end
            if n >= limit then
              if n < tonumber(ARGV[2]) then return {0, micros, 1} end
              return {0, micros, 0}
            end
            redis.call('HINCRBY', KEYS[1], 'n', 1)
            return {1, micros, 0}
            """;

    /** Bulk mail may take the request kept for transactional mail from this point of each second. */
    static final long RESERVE_UNTIL_MICROS = 750_000L;

    private final UnifiedJedis redis;
    private final String allKey;
    private final String bulkKey;
    private final int perSecond;
    private final int bulkPerSecond;
    private final long reserveUntilMicros;
    private final Semaphore waiters;
    private final Duration maxInlineWait;

    /** {@code keyStem}: the provider's {@link com.koomy.config.RedisKeys#providerLimit}, shared by every process. */
    public ProviderRateLimiter(UnifiedJedis redis, String keyStem, int perSecond) {
        this(redis, keyStem, perSecond, 2, Duration.ofMillis(1500));
    }

    public ProviderRateLimiter(UnifiedJedis redis, String keyStem, int perSecond, int inlineWaiters, Duration maxInlineWait) {
        this.redis = redis;
        this.allKey = keyStem + ":all";
        this.bulkKey = keyStem + ":bulk";
        this.perSecond = perSecond;
        this.bulkPerSecond = Math.max(1, perSecond - 1);
        this.reserveUntilMicros = RESERVE_UNTIL_MICROS;
        this.waiters = new Semaphore(inlineWaiters);
        this.maxInlineWait = maxInlineWait;
    }

    /** {@link #tryAcquire(boolean)} for a request that is not bulk mail (every Stripe call, transactional mail). */
    public Optional<Duration> tryAcquire() {
        return tryAcquire(false);
    }

    /**
     * Takes a token, waiting briefly for the next second's when a waiter slot is free; otherwise says
     * how long until one is likely free (the caller waits in the queue).
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
            Optional<Duration> wait = take(bulkKey, bulkPerSecond, perSecond, reserveUntilMicros);
            if (wait.isPresent()) {
                return wait;
            }
        }
        return take(allKey, perSecond, perSecond, 0);
    }

    private Optional<Duration> take(String key, int limit, int lateLimit, long lateFromMicros) {
        @SuppressWarnings("unchecked")
        List<Long> result = (List<Long>) redis.eval(TAKE, List.of(key),
                List.of(Integer.toString(limit), Integer.toString(lateLimit), Long.toString(lateFromMicros)));
        if (result.get(0) == 1L) {
            return Optional.empty();
        }
        long micros = result.get(1);
        // Refused only because of the reserve: bulk mail may try again once it is released in this second.
        long microsLeft = result.get(2) == 1L ? lateFromMicros - micros : 1_000_000L - micros;
        return Optional.of(Duration.ofNanos(Math.max(1, microsLeft) * 1000L));
    }
}
