package com.koomy.webhooks;

import com.koomy.stripe.events.StripeEvent;
import com.koomy.stripe.events.StripeEventDao;
import com.koomy.stripe.events.StripeEventHandlers;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApplyStripeEventJobTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static Jdbi jdbi;
    private static ApplyStripeEventJob job;

    @BeforeAll
    static void setUp() {
        jdbi = db.jdbi();
        StripeEventHandlers handlers = TestHandlers.counting(jdbi);
        job = new ApplyStripeEventJob(jdbi, handlers);
    }

    @Test
    void appliesAnEventOnceHoweverOftenItRuns() throws Exception {
        String id = TestHandlers.store(jdbi, "test.counted");

        job.apply(id);
        job.apply(id);

        assertThat(TestHandlers.applications(jdbi, id)).isEqualTo(1);
        assertThat(TestHandlers.find(jdbi, id).status()).isEqualTo(StripeEventStatus.processed);
        assertThat(TestHandlers.find(jdbi, id).attempts()).isEqualTo(1);
    }

    @Test
    void concurrentRunsOfTheSameEventApplyItOnce() throws Exception {
        String id = TestHandlers.store(jdbi, "test.counted");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Object>> runs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                runs.add(pool.submit((Callable<Object>) () -> {
                    job.apply(id);
                    return null;
                }));
            }
            for (Future<Object> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(TestHandlers.applications(jdbi, id)).isEqualTo(1);
        assertThat(TestHandlers.find(jdbi, id).status()).isEqualTo(StripeEventStatus.processed);
    }

    @Test
    void aFailingHandlerRollsBackItsWritesAndRecordsTheError() {
        String id = TestHandlers.store(jdbi, "test.half_then_fail");

        assertThatThrownBy(() -> job.apply(id)).isInstanceOf(IllegalStateException.class).hasMessage("provider said no");

        StripeEvent event = TestHandlers.find(jdbi, id);
        assertThat(TestHandlers.applications(jdbi, id)).as("the handler's insert rolled back with the failure").isZero();
        assertThat(event.status()).isEqualTo(StripeEventStatus.processing);
        assertThat(event.attempts()).isEqualTo(1);
        assertThat(event.lastError()).isEqualTo("IllegalStateException: provider said no");
    }

    @Test
    void unknownTypesAreMarkedIgnored() throws Exception {
        String id = TestHandlers.store(jdbi, "customer.created");

        job.apply(id);

        assertThat(TestHandlers.find(jdbi, id).status()).isEqualTo(StripeEventStatus.ignored);
        assertThat(TestHandlers.find(jdbi, id).processedAt()).isNotNull();
    }

    @Test
    void aFailedEventCanBeReplayed() throws Exception {
        String id = TestHandlers.store(jdbi, "test.counted");
        jdbi.useExtension(StripeEventDao.class, dao -> dao.markFailed(id, "earlier outage"));

        job.apply(id);

        assertThat(TestHandlers.find(jdbi, id).status()).isEqualTo(StripeEventStatus.processed);
        assertThat(TestHandlers.find(jdbi, id).lastError()).isNull();
        assertThat(TestHandlers.applications(jdbi, id)).isEqualTo(1);
    }

    @Test
    void anEventThatIsNotStoredFailsLoudly() {
        assertThatThrownBy(() -> job.apply("evt_never_stored"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("evt_never_stored");
    }
}
