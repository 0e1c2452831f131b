package com.koomy.stripe;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.koomy.config.RedisKeys;
import com.koomy.config.StripeFactory;
import com.koomy.ratelimit.ProviderRateLimiter;
import redis.clients.jedis.UnifiedJedis;

import java.time.Duration;
import java.util.Optional;

/**
 * The rate limit on calls to Stripe shared by all processes through Redis (R10: at most
 * {@code stripe.rateLimitPerSecond} calls in any second of Redis's clock): the email limiter's per-second
 * counter, generic enough for any provider. A call waits for a slot, at most {@code stripe.maxLimitWait} in all.
 */
final class StripeCallSlots {

    private final ProviderRateLimiter limiter;
    private final Duration maxLimitWait;
    private final Meter throttled;
    private final Meter busy;

    /** {@code keys}: the stack's, so the API and the workers share one limit. */
    StripeCallSlots(StripeFactory config, UnifiedJedis redis, RedisKeys keys, MetricRegistry metrics) {
        // Every waiting thread may wait, at most maxLimitWait in all.
        this.maxLimitWait = config.getMaxLimitWait().toJavaDuration();
        Duration inline = maxLimitWait.compareTo(Duration.ofSeconds(2)) < 0 ? maxLimitWait : Duration.ofSeconds(2);
        this.limiter = new ProviderRateLimiter(redis, keys.providerLimit("stripe"), config.getRateLimitPerSecond(), 1_000, inline);
        this.busy = metrics.meter("koomy.stripe.busy");
        this.throttled = metrics.meter("koomy.stripe.throttled");
    }

    /** A slot of the shared limit, waiting at most maxLimitWait in all; else {@link StripeGateway#busy} (nothing sent). */
    void acquire() {
        long deadline = System.nanoTime() + maxLimitWait.toNanos();
        Optional<Duration> wait = limiter.tryAcquire(false);
        while (wait.isPresent()) {
            throttled.mark();
            long left = deadline - System.nanoTime();
            if (left <= 0 || wait.get().toNanos() > left) {
                busy.mark();
                long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
                throw StripeGateway.busy("no Stripe call slot within " + maxLimitWait.toMillis() + " ms", seconds);
            }
            try {
                Thread.sleep(Math.max(1, wait.get().toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw StripeGateway.busy("interrupted while waiting for a Stripe call slot", 1);
            }
            wait = limiter.tryAcquire(false);
        }
    }
}
