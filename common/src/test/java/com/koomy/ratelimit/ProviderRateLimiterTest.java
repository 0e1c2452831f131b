package com.koomy.ratelimit;

import com.koomy.config.RedisKeys;
import com.koomy.testing.RedisTarget;
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
class ProviderRateLimiterTest {

    /** The Redis these tests run on; {@code ProviderRateLimiterOnClusterTest} runs them on a three-primary Redis Cluster. */
    RedisTarget target() {
        return RedisTarget.SINGLE;
    }

    UnifiedJedis redis() {
        return target().client();
    }

    private long redisSecond() {
        return Long.parseLong(String.valueOf(redis().eval("return redis.call('TIME')[1]")));
    }

    @Test
    void twoWorkersTogetherNeverExceedTheLimitInAnySecond() throws Exception {
        String prefix = TestRedis.newKeys().providerLimit("sendgrid");
        List<ProviderRateLimiter> workers = List.of(new ProviderRateLimiter(redis(), prefix, 3, 0, Duration.ZERO),
                new ProviderRateLimiter(redis(), prefix, 3, 0, Duration.ZERO));
        AtomicInteger granted = new AtomicInteger();
        long firstSecond = redisSecond();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> running = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2500);
        for (int t = 0; t < 8; t++) {
            ProviderRateLimiter limiter = workers.get(t % 2);
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
        ProviderRateLimiter limiter = new ProviderRateLimiter(redis(), prefix, 3, 0, Duration.ZERO);
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

        // 2-4 seconds touched: transactional gets its kept request each second, and the two together stay within
        // the limit. Bulk is not bounded at 2 a second: 750 ms into a second in which no transactional request has
        // come yet (a thread held off the CPU on a loaded machine), bulk may take the kept one too (by design,
        // bulkMailAloneTakesTheKeptRequestLateInTheSecond); a bound of 2 a second failed CI-like runs at 9 of 8.
        assertThat(transactional.get()).isGreaterThanOrEqualTo(2);
        assertThat(bulk.get() + transactional.get()).isLessThanOrEqualTo(3 * 4);
    }

    /**
     * Without transactional mail, bulk mail gets the whole limit: the request kept for transactional mail
     * is released 750 ms into each second of Redis's clock (a newsletter at 5/s went at 4/s, 250 s for
     * 1,000,000 recipients instead of 200 s). Each grant is stamped with Redis's own clock.
     */
    @Test
    void bulkMailAloneTakesTheKeptRequestLateInTheSecond() throws Exception {
        String prefix = TestRedis.newKeys().providerLimit("sendgrid");
        ProviderRateLimiter limiter = new ProviderRateLimiter(redis(), prefix, 3, 0, Duration.ZERO);
        java.util.Map<Long, List<Long>> grantsBySecond = new java.util.concurrent.ConcurrentHashMap<>();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3300);
        while (System.nanoTime() < end) {
            if (limiter.tryAcquire(true).isEmpty()) {
                @SuppressWarnings("unchecked")
                List<Long> time = (List<Long>) redis().eval("local t = redis.call('TIME') return {tonumber(t[1]), tonumber(t[2])}");
                grantsBySecond.computeIfAbsent(time.get(0), s -> new ArrayList<>()).add(time.get(1));
            }
        }
        List<Long> whole = grantsBySecond.keySet().stream().sorted().toList();
        // The first and last seconds are partial; the ones between are whole and must each give 3.
        for (Long second : whole.subList(1, whole.size() - 1)) {
            List<Long> micros = grantsBySecond.get(second);
            assertThat(micros).as("bulk grants in second %d", second).hasSize(3);
            assertThat(micros.get(2)).as("the third (kept) request is released after 750 ms").isGreaterThanOrEqualTo(750_000L);
        }
        assertThat(grantsBySecond.values()).allSatisfy(m -> assertThat(m.size()).isLessThanOrEqualTo(3));
        assertThat(whole.size()).isGreaterThanOrEqualTo(4);
    }

    /**
     * The newsletter's shape at 5 requests/s: two batches in flight (the window), each request answered in
     * 100 ms (the benchmark's stub), a refused delivery waiting what the limiter says (as the pacer does),
     * the production limiter (two inline waiters). With the kept request released after 750 ms bulk mail
     * gets more than the 4 requests/s that a reserve kept all second allowed (by construction); the figure
     * is printed (ops/bench/README.md).
     */
    @Test
    void aNewsletterAloneAt5PerSecondGetsMoreThanFourRequestsASecond() throws Exception {
        String prefix = TestRedis.newKeys().providerLimit("sendgrid");
        ProviderRateLimiter limiter = new ProviderRateLimiter(redis(), prefix, 5);
        java.util.Map<Long, AtomicInteger> bySecond = new java.util.concurrent.ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            running.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    var wait = limiter.tryAcquire(true);
                    try {
                        if (wait.isEmpty()) {
                            bySecond.computeIfAbsent(redisSecond(), s -> new AtomicInteger()).incrementAndGet();
                            Thread.sleep(100);
                        } else {
                            Thread.sleep(Math.max(1, wait.get().toMillis()));
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        pool.shutdown();
        List<Long> seconds = bySecond.keySet().stream().sorted().toList();
        List<Long> whole = seconds.subList(1, seconds.size() - 1);
        int granted = whole.stream().mapToInt(s -> bySecond.get(s).get()).sum();
        double perSecond = (double) granted / whole.size();
        System.out.printf("bulk mail alone at 5 requests/s, two batches in flight, 100-ms answers: %.2f requests/s over %d "
                + "whole seconds (per second: %s)%n", perSecond, whole.size(), whole.stream().map(s -> bySecond.get(s).get()).toList());
        assertThat(bySecond.values()).allSatisfy(n -> assertThat(n.get()).isLessThanOrEqualTo(5));
        assertThat(perSecond).isGreaterThan(4.0);
    }

    /** The script writes only the keys it is given (Redis Cluster routes by them), both in one slot. */
    @Test
    void theCountersAreTheKeysPassedInUnderThePrefix() {
        RedisKeys keys = TestRedis.newKeys();
        String stem = keys.providerLimit("sendgrid");
        ProviderRateLimiter limiter = new ProviderRateLimiter(redis(), stem, 3, 0, Duration.ZERO);
        for (int i = 0; i < 5; i++) {
            limiter.tryAcquire(true);
        }
        assertThat(target().keys(k -> k.startsWith(keys.prefix()))).containsExactlyInAnyOrder(stem + ":all", stem + ":bulk");
        assertThat(JedisClusterCRC16.getSlot(stem + ":all")).isEqualTo(JedisClusterCRC16.getSlot(stem + ":bulk"));
        assertThat(redis().ttl(stem + ":all")).isBetween(1L, 5L);
    }
}
