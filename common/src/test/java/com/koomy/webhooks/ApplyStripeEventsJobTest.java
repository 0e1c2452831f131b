package com.koomy.webhooks;

import com.koomy.stripe.events.StripeEvent;
import com.koomy.stripe.events.StripeEventHandlers;
import com.koomy.stripe.events.StripeEventRefusedException;
import com.koomy.stripe.events.StripeEventStatus;
import com.koomy.testing.TestDatabase;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Received events applied in batches: together when they can be, one by one when not. */
class ApplyStripeEventsJobTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static Jdbi jdbi;
    private static ApplyStripeEventsJob job;

    @BeforeAll
    static void setUp() {
        jdbi = db.jdbi();
        StripeEventHandlers handlers = TestHandlers.counting(jdbi)
                .register("test.refused", (handle, event) -> {
                    handle.createUpdate("INSERT INTO applications (event_id) VALUES (:id)").bind("id", event.eventId()).execute();
                    throw new StripeEventRefusedException("names another community");
                });
        job = new ApplyStripeEventsJob(jdbi, handlers, null, new ApplyStripeEventJob(jdbi, handlers));
    }

    private static String store(String type) {
        return TestHandlers.store(jdbi, type);
    }

    private static long applications(String id) {
        return TestHandlers.applications(jdbi, id);
    }

    private static StripeEvent find(String id) {
        return TestHandlers.find(jdbi, id);
    }

    private static List<String> store(String type, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(store(type));
        }
        return ids;
    }

    private static List<String> retryRefs(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT ref FROM outbox WHERE kind = :kind AND ref LIKE :id || '%'")
                .bind("kind", StripeEvent.OUTBOX_KIND).bind("id", id).mapTo(String.class).list());
    }

    @Test
    void appliesABatchOnceHoweverOftenItRuns() throws Exception {
        List<String> ids = new ArrayList<>(store("test.counted", 20));
        ids.addAll(store("customer.created", 5));

        job.apply(ids);
        job.apply(ids);

        for (String id : ids) {
            StripeEvent event = find(id);
            boolean counted = event.type().equals("test.counted");
            assertThat(applications(id)).isEqualTo(counted ? 1 : 0);
            assertThat(event.status()).isEqualTo(counted ? StripeEventStatus.processed : StripeEventStatus.ignored);
            assertThat(event.attempts()).isEqualTo(1);
            assertThat(event.processedAt()).isNotNull();
        }
    }

    @Test
    void overlappingBatchesRunningTogetherApplyEachEventOnce() throws Exception {
        List<String> ids = store("test.counted", 60);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Object>> runs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                // Each batch shares events with the next, in a different order.
                List<String> batch = new ArrayList<>(ids.subList(i * 8, i * 8 + 20));
                if (i % 2 == 1) {
                    java.util.Collections.reverse(batch);
                }
                runs.add(pool.submit((Callable<Object>) () -> {
                    job.apply(batch);
                    return null;
                }));
            }
            for (Future<Object> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdownNow();
        }
        for (String id : ids) {
            assertThat(find(id).status()).isEqualTo(StripeEventStatus.processed);
            assertThat(find(id).attempts()).isEqualTo(1);
            assertThat(applications(id)).isEqualTo(1);
        }
    }

    @Test
    void aFailingEventGoesOnAloneWithRetriesAndTheOthersAreApplied() throws Exception {
        List<String> ids = new ArrayList<>(store("test.counted", 10));
        String failing = store("test.half_then_fail");
        ids.add(4, failing);

        job.apply(ids);

        for (String id : ids) {
            if (!id.equals(failing)) {
                assertThat(find(id).status()).isEqualTo(StripeEventStatus.processed);
                assertThat(applications(id)).isEqualTo(1);
                assertThat(retryRefs(id)).isEmpty();
            }
        }
        StripeEvent event = find(failing);
        assertThat(applications(failing)).as("its handler's insert rolled back").isZero();
        assertThat(event.status()).isEqualTo(StripeEventStatus.processing);
        assertThat(event.lastError()).isEqualTo("IllegalStateException: provider said no");
        assertThat(retryRefs(failing)).containsExactly(failing + "#retry");
    }

    @Test
    void aRefusedEventIsRefusedAloneAndItsWritesUndone() throws Exception {
        List<String> ids = new ArrayList<>(store("test.counted", 5));
        String refused = store("test.refused");
        ids.add(refused);

        job.apply(ids);

        assertThat(find(refused).status()).isEqualTo(StripeEventStatus.refused);
        assertThat(find(refused).lastError()).contains("names another community");
        assertThat(applications(refused)).isZero();
        assertThat(retryRefs(refused)).isEmpty();
        ids.subList(0, 5).forEach(id -> assertThat(find(id).status()).isEqualTo(StripeEventStatus.processed));
    }

    @Test
    void livemodeMismatchesAreRefusedAndTheRestApplied() throws Exception {
        StripeEventHandlers handlers = new StripeEventHandlers().register("test.counted", (handle, event) -> handle
                .createUpdate("INSERT INTO applications (event_id) VALUES (:id)").bind("id", event.eventId()).execute());
        ApplyStripeEventsJob live = new ApplyStripeEventsJob(jdbi, handlers, true, new ApplyStripeEventJob(jdbi, handlers, true));
        List<String> ids = store("test.counted", 3);

        live.apply(ids);

        ids.forEach(id -> {
            assertThat(find(id).status()).isEqualTo(StripeEventStatus.refused);
            assertThat(applications(id)).isZero();
        });
    }
}
