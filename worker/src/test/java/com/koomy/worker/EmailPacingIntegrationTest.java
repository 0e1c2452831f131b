package com.koomy.worker;

import com.koomy.email.EmailMessage;
import com.koomy.email.EmailOutbox;
import com.koomy.email.EmailTemplate;
import com.koomy.email.Recipient;
import com.koomy.testing.SendGridStub;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A backlog behind SendGrid's rate limit (issue 20): the worker in-process, SendGrid stubbed at 3 requests/s
 * for all workers. Every email is delivered once, no faster than the limit, and the waits happen in the
 * emails table (the pacer), not as JobRunr jobs: one delivery job per email, whatever the number of waits
 * (each wait used to schedule a new job with a random id).
 */
class EmailPacingIntegrationTest {

    private static final int EMAILS = 15;
    private static final int PER_SECOND = 3;
    private static final SendGridStub SENDGRID = new SendGridStub();

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<WorkerConfiguration> app = WorkerTestApp.withSendGrid(db, SENDGRID, PER_SECOND);

    @AfterAll
    static void stopStub() {
        SENDGRID.close();
    }

    @Test
    void aRateLimitedBacklogWaitsInTheQueueWithOneJobPerEmail() {
        SENDGRID.accept();
        List<UUID> ids = new ArrayList<>();
        long started = System.nanoTime();
        db.jdbi().useTransaction(h -> {
            for (int i = 0; i < EMAILS; i++) {
                ids.add(EmailOutbox.enqueue(h, EmailMessage.to(new Recipient("paced" + i + "@example.org", "Paced " + i),
                        EmailTemplate.PASSWORD_RESET, "en", Map.of("resetUrl", "https://koomy.test/reset"), null,
                        "password-reset:" + UUID.randomUUID())));
            }
        });

        await().atMost(Duration.ofSeconds(60)).until(() -> count("SELECT count(*) FROM emails WHERE status = 'sent'") == EMAILS);
        double seconds = (System.nanoTime() - started) / 1e9;

        assertThat(SENDGRID.requests()).hasSize(EMAILS);
        assertThat(SENDGRID.requests().stream().map(r -> r.getBodyAsString().replaceAll("(?s).*\"(paced\\d+@example.org)\".*", "$1"))
                .distinct()).hasSize(EMAILS);
        assertThat(seconds).as("%d requests at %d/s", EMAILS, PER_SECOND).isGreaterThanOrEqualTo((double) EMAILS / PER_SECOND - 1);
        assertThat(count("SELECT count(*) FROM emails WHERE retry_at IS NOT NULL"))
                .as("some deliveries waited for a token in the queue").isPositive();
        assertThat(count("SELECT count(*) FROM jobrunr.jobrunr_jobs WHERE jobasjson LIKE '%SendEmail%'"))
                .as("one delivery job per email, none per wait").isEqualTo(EMAILS);
    }

    private static long count(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }
}
