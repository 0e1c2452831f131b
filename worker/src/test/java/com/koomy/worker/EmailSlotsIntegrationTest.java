package com.koomy.worker;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.koomy.email.EmailMessage;
import com.koomy.email.EmailOutbox;
import com.koomy.email.EmailTemplate;
import com.koomy.email.Recipient;
import com.koomy.testing.SendGridStub;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Emails that found every SendGrid slot of the worker busy (half its job threads: 16 here, so 8 slots) wait in
 * the emails table and the pacer delivers them (issue 18). The pacer sends as many at once as there are slots:
 * with its former 4 threads, a burst larger than the slots went out 4 at a time once JobRunr's jobs had
 * deferred it (the email benchmark: a flat 37/s with 100-ms answers, down from 540/s). Concurrency is read
 * at the stub: each answer takes {@code DELAY}, so the requests received less than {@code DELAY} apart
 * were in flight together.
 */
class EmailSlotsIntegrationTest {

    private static final int EMAILS = 24;
    private static final int SLOTS = 8;
    private static final Duration DELAY = Duration.ofMillis(1000);
    private static final SendGridStub SENDGRID = new SendGridStub();

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<WorkerConfiguration> app = WorkerTestApp.withSendGrid(db, SENDGRID, 1_000_000,
            ConfigOverride.config("jobs.workerCount", String.valueOf(2 * SLOTS)));

    @AfterAll
    static void stopStub() {
        SENDGRID.close();
    }

    @Test
    void waitingEmailsGoOutWithEverySlotOfTheWorker() {
        SENDGRID.accept((int) DELAY.toMillis());
        // As a delivery job leaves an email that found no slot: queued and due, its outbox row (and job) gone.
        db.jdbi().useTransaction(h -> {
            for (int i = 0; i < EMAILS; i++) {
                UUID id = EmailOutbox.enqueue(h, EmailMessage.to(new Recipient("slot" + i + "@example.org", "Slot " + i),
                        EmailTemplate.PASSWORD_RESET, "en", Map.of("resetUrl", "https://koomy.test/reset"), null,
                        "password-reset:" + UUID.randomUUID()));
                h.execute("UPDATE emails SET retry_at = now() WHERE id = ?", id);
            }
            h.execute("DELETE FROM outbox");
        });

        await().atMost(Duration.ofSeconds(60)).until(() -> count("SELECT count(*) FROM emails WHERE status = 'sent'") == EMAILS);

        List<LoggedRequest> requests = SENDGRID.requests();
        assertThat(requests).hasSize(EMAILS);
        assertThat(count("SELECT count(*) FROM jobrunr.jobrunr_jobs WHERE jobasjson LIKE '%SendEmail%'"))
                .as("the pacer delivered them, no delivery job").isZero();
        assertThat(peakInFlight(requests)).as("sends in flight at once")
                .isGreaterThan(4)
                .isLessThanOrEqualTo(SLOTS);
    }

    /** The most requests received within {@code DELAY} of one another (each is answered {@code DELAY} after it came). */
    private static int peakInFlight(List<LoggedRequest> requests) {
        List<Long> received = requests.stream().map(r -> r.getLoggedDate().getTime()).sorted().toList();
        int peak = 0;
        for (int i = 0; i < received.size(); i++) {
            long at = received.get(i);
            int inFlight = (int) received.stream().filter(t -> t <= at && at < t + DELAY.toMillis()).count();
            peak = Math.max(peak, inFlight);
        }
        return peak;
    }

    private static long count(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }
}
