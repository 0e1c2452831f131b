package com.koomy.email;

import com.koomy.config.RedisKeys;
import com.koomy.testing.TestRedis;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Two limiters (two workers) hammering one Redis: the shared limit holds, bulk leaves room. */
class EmailRateLimiterTest {

    /** The Redis these tests run on; {@code EmailRateLimiterOnClusterTest} runs them on a three-primary Redis Cluster. */
    UnifiedJedis redis() {
        return TestRedis.client();
    }

    /** The keys of {@link #redis()} that match (on a cluster, of every node). */
    java.util.Set<String> keys(java.util.function.Predicate<String> filter) {
        return TestRedis.keys(filter);
    }

    private long redisSecond() {
        return Long.parseLong(String.valueOf(redis().eval("return redis.call('TIME')[1]")));
    }

    @Test
    void twoWorkersTogetherNeverExceedTheLimitInAnySecond() throws Exception {
        String prefix = TestRedis.newKeys().providerLimit("sendgrid");
        List<EmailRateLimiter> workers = List.of(new EmailRateLimiter(redis(), prefix, 3, 0, Duration.ZERO),
                new EmailRateLimiter(redis(), prefix, 3, 0, Duration.ZERO));
        AtomicInteger granted = new AtomicInteger();
        long firstSecond = redisSecond();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> running = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2500);
        for (int t = 0; t < 8; t++) {
            EmailRateLimiter limiter = workers.get(t % 2);
            running.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    if (limiter.tryAcquire(false).isEmpty()) {
                        granted.incrementAndGet();
                    }
                }
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        pool.shutdown();
        long lastSecond = redisSecond();

        // Each Redis second grants 3 at most, across both limiters; busy threads use them all.
        long seconds = lastSecond - firstSecond + 1;
        assertThat(granted.get()).isLessThanOrEqualTo((int) (3 * seconds)).isGreaterThanOrEqualTo((int) (3 * (seconds - 1)));
    }

    @Test
    void bulkMailLeavesOneRequestASecondForTransactionalMail() throws Exception {
        String prefix = TestRedis.newKeys().providerLimit("sendgrid");
        EmailRateLimiter limiter = new EmailRateLimiter(redis(), prefix, 3, 0, Duration.ZERO);
        AtomicInteger bulk = new AtomicInteger();
        AtomicInteger transactional = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2200);
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            running.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    if (limiter.tryAcquire(true).isEmpty()) {
                        bulk.incrementAndGet();
                    }
                }
            }));
        }
        running.add(pool.submit(() -> {
            while (System.nanoTime() < end) {
                if (limiter.tryAcquire(false).isEmpty()) {
                    transactional.incrementAndGet();
                }
                try {
                    Thread.sleep(50); // a trickle of password resets among the newsletter's batches
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }));
        for (Future<?> f : running) {
            f.get();
        }
        pool.shutdown();

        // 2-4 seconds touched: bulk gets at most 2 a second, transactional at least 1 a second.
        assertThat(transactional.get()).isGreaterThanOrEqualTo(2);
        assertThat(bulk.get() + transactional.get()).isLessThanOrEqualTo(3 * 4);
        assertThat(bulk.get()).isLessThanOrEqualTo(2 * 4);
    }

    /** The script writes only the keys it is given (Redis Cluster routes by them), both in one slot. */
    @Test
    void theCountersAreTheKeysPassedInUnderThePrefix() {
        RedisKeys keys = TestRedis.newKeys();
        String stem = keys.providerLimit("sendgrid");
        EmailRateLimiter limiter = new EmailRateLimiter(redis(), stem, 3, 0, Duration.ZERO);
        for (int i = 0; i < 5; i++) {
            limiter.tryAcquire(true);
        }
        assertThat(keys(k -> k.startsWith(keys.prefix()))).containsExactlyInAnyOrder(stem + ":all", stem + ":bulk");
        assertThat(JedisClusterCRC16.getSlot(stem + ":all")).isEqualTo(JedisClusterCRC16.getSlot(stem + ":bulk"));
        assertThat(redis().ttl(stem + ":all")).isBetween(1L, 5L);
    }
}
