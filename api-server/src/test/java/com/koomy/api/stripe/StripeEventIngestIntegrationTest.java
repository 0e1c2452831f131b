package com.koomy.api.stripe;

import com.codahale.metrics.MetricRegistry;
import com.koomy.testing.StripeTestEvents;
import com.koomy.testing.TestDatabase;
import com.koomy.stripe.events.IncomingStripeEvent;
import com.koomy.stripe.events.StripeEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The group commit of received Stripe events, against the real PostgreSQL. */
class StripeEventIngestIntegrationTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private final MetricRegistry metrics = new MetricRegistry();
    private StripeEventIngest ingest;

    @BeforeEach
    void start() {
        // One writer: concurrent deliveries have to share its commits.
        ingest = new StripeEventIngest(db.jdbi(), 1, 200, 10_000, Duration.ofSeconds(20), metrics);
        ingest.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        ingest.stop();
    }

    private static IncomingStripeEvent incoming(String id, String payload) {
        return new IncomingStripeEvent(id, "payment_intent.succeeded", false, null, "2024-06-20",
                Instant.ofEpochSecond(1_700_000_000L), payload);
    }

    private static IncomingStripeEvent incoming(String id) {
        return incoming(id, StripeTestEvents.paymentIntentSucceeded(id));
    }

    private long count(String sql, String like) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).bind("like", like).mapTo(Long.class).one());
    }

    @Test
    void concurrentDeliveriesShareCommitsAndEachEventIsNewExactlyOnce() throws Exception {
        String run = "evt_ingest" + System.nanoTime() + "_";
        int distinct = 300;
        // Every event delivered once, a third of them three times at once (Stripe redelivering while the
        // first delivery is still being stored), all from 64 threads released together.
        List<String> deliveries = new ArrayList<>();
        for (int i = 0; i < distinct; i++) {
            deliveries.add(run + i);
            if (i % 3 == 0) {
                deliveries.add(run + i);
                deliveries.add(run + i);
            }
        }
        Collections.shuffle(deliveries);
        Map<String, AtomicInteger> newCount = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(64);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (String id : deliveries) {
            done.add(pool.submit(() -> {
                go.await();
                boolean stored = ingest.store(incoming(id));
                newCount.computeIfAbsent(id, k -> new AtomicInteger()).addAndGet(stored ? 1 : 0);
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(newCount).hasSize(distinct);
        assertThat(newCount.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(count("SELECT count(*) FROM stripe_events WHERE event_id LIKE :like", run + "%")).isEqualTo(distinct);
        assertThat(count("SELECT count(*) FROM outbox WHERE kind = '" + StripeEvent.RECEIVED_OUTBOX_KIND
                + "' AND ref LIKE :like", run + "%")).isEqualTo(distinct);
        // Grouped: fewer commits than deliveries (one writer, 64 deliveries waiting at a time).
        long batches = metrics.histogram("koomy.webhooks.stripe.batch-size").getCount();
        assertThat(batches).isLessThan(deliveries.size() / 2);
        assertThat(metrics.histogram("koomy.webhooks.stripe.batch-size").getSnapshot().getMax()).isGreaterThan(1);
        // A later redelivery stores nothing new.
        assertThat(ingest.store(incoming(run + 7))).isFalse();
    }

    @Test
    void anEventPostgresRefusesIsStoredAloneAsFailedAndTheOthersInItsBatchAsUsual() throws Exception {
        String run = "evt_poison" + System.nanoTime() + "_";
        String poison = run + "bad";
        // Valid JSON that jsonb refuses: the \u0000 escape.
        String poisonPayload = StripeTestEvents.paymentIntentSucceeded(poison).replaceFirst("\\{", "{\"x\":\"\\\\u0000\",");
        ExecutorService pool = Executors.newFixedThreadPool(40);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> good = new ArrayList<>();
        for (int i = 0; i < 39; i++) {
            String id = run + i;
            good.add(pool.submit(() -> {
                go.await();
                return ingest.store(incoming(id));
            }));
        }
        Future<Boolean> bad = pool.submit(() -> {
            go.await();
            return ingest.store(incoming(poison, poisonPayload));
        });
        go.countDown();
        for (Future<Boolean> f : good) {
            assertThat(f.get(60, TimeUnit.SECONDS)).isTrue();
        }
        // Stored (new), so the delivery is answered 200: Stripe does not retry it until it gives up.
        assertThat(bad.get(60, TimeUnit.SECONDS)).isTrue();
        assertThat(ingest.store(incoming(poison, poisonPayload))).as("a redelivery").isFalse();
        pool.shutdown();

        assertThat(count("SELECT count(*) FROM stripe_events WHERE event_id LIKE :like", run + "%")).isEqualTo(40);
        assertThat(count("SELECT count(*) FROM stripe_events WHERE status = 'received' AND event_id LIKE :like", run + "%"))
                .isEqualTo(39);
        assertThat(count("SELECT count(*) FROM stripe_events WHERE status = 'failed' AND raw_payload IS NOT NULL "
                + "AND last_error LIKE '%jsonb%' AND event_id = :like", poison)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM outbox WHERE ref = :like", poison)).isZero();
        assertThat(count("SELECT count(*) FROM outbox WHERE ref LIKE :like", run + "%")).isEqualTo(39);
    }

    @Test
    void aStoppedIngestRefusesAtOnce() throws Exception {
        ingest.stop();
        assertThatThrownBy(() -> ingest.store(incoming("evt_after_stop" + System.nanoTime())))
                .isInstanceOf(StripeEventIngest.NotStored.class);
    }
}
