package com.koomy.email;

import com.codahale.metrics.MetricRegistry;
import com.koomy.config.SendGridFactory;
import com.koomy.email.sendgrid.SendGridMailer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** When SendGrid refuses, fails or is slow: waits, retries with backoff, failures, interrupted attempts, slots. */
class SendEmailJobRetriesTest {

    @RegisterExtension
    static EmailJobRig rig = new EmailJobRig();

    @Test
    void aRateLimitedAnswerWaitsInTheQueueWithoutCountingAFailure() throws Exception {
        rig.sendgrid.rateLimited(Instant.now().plusSeconds(7).getEpochSecond());
        UUID id = rig.enqueue(EmailTemplate.WELCOME, "bob@example.org", Map.of());

        rig.job.run(new SendEmail(id)); // no exception: not a JobRunr failure

        Email queued = rig.email(id);
        assertThat(queued.status()).isEqualTo(EmailStatus.queued);
        assertThat(queued.lastError()).contains("SendGrid 429");
        assertThat(queued.failures()).isZero();
        assertThat(queued.retryAt()).isBetween(Instant.now().plusSeconds(4), Instant.now().plusSeconds(9));
    }

    @Test
    void rowsWhoseWaitIsOverAreDeliveredByThePacerTransactionalMailFirst() throws Exception {
        // Two waits over: a bulk email's (the older) and a password reset's; one delivery thread.
        UUID bulk = rig.jdbi.inTransaction(h -> EmailOutbox.enqueue(h, EmailMessage.to(Recipient.of("kim@example.org"),
                EmailTemplate.DUES_REMINDER, "en", Map.of(), null, "dues-reminder:" + UUID.randomUUID())));
        UUID reset = rig.enqueue(EmailTemplate.PASSWORD_RESET, "lea@example.org", Map.of());
        rig.jdbi.useHandle(h -> {
            h.execute("UPDATE emails SET retry_at = now() - interval '2 seconds' WHERE id = ?", bulk);
            h.execute("UPDATE emails SET retry_at = now() - interval '1 second' WHERE id = ?", reset);
        });
        EmailPacer pacer = new EmailPacer(rig.jdbi, 1, Duration.ofMillis(200), new MetricRegistry());
        rig.job(rig.mailer, pacer, new SendEmailJob.Limits(Duration.ofSeconds(30), 2, 0));
        pacer.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> rig.email(bulk).status() == EmailStatus.sent
                    && rig.email(reset).status() == EmailStatus.sent);
        } finally {
            pacer.stop();
        }
        List<String> order = new ArrayList<>();
        for (int i = 0; i < rig.sendgrid.requests().size(); i++) {
            order.add(rig.body(i).at("/personalizations/0/to/0/email").asText());
        }
        assertThat(order).containsSubsequence("lea@example.org", "kim@example.org");
        assertThat(rig.email(reset).attempts()).isEqualTo(1);
    }

    @Test
    void aServerErrorIsRetriedAfterABackoffThatNoOtherJobSkipsThenFailsOnceTheRetriesAreSpent() throws Exception {
        rig.sendgrid.serverError();
        UUID id = rig.enqueue(EmailTemplate.PAYMENT_RECEIPT, "carol@example.org", Map.of());

        Instant before = Instant.now();
        rig.job.run(new SendEmail(id)); // no exception: the row, not JobRunr, counts the failure

        Email queued = rig.email(id);
        assertThat(queued.status()).isEqualTo(EmailStatus.queued);
        assertThat(queued.lastError()).contains("SendGrid 503");
        assertThat(queued.failures()).isEqualTo(1);
        assertThat(queued.retryAt()).isBetween(before.plusSeconds(3).minusMillis(1), Instant.now().plusSeconds(3));

        // Any attempt that comes earlier (a duplicate job) waits too, and does not shorten the wait.
        rig.job.run(new SendEmail(id));
        assertThat(rig.sendgrid.requests()).hasSize(1);
        assertThat(rig.email(id).retryAt()).isEqualTo(queued.retryAt());

        // The second failure waits 9 s; the third, with 2 retries allowed, fails the email.
        rig.jdbi.useHandle(h -> h.execute("UPDATE emails SET retry_at = now() - interval '1 second' WHERE id = ?", id));
        Instant second = Instant.now();
        rig.job.run(new SendEmail(id));
        assertThat(rig.email(id).failures()).isEqualTo(2);
        assertThat(rig.email(id).retryAt()).isBetween(second.plusSeconds(9).minusMillis(1), Instant.now().plusSeconds(9));
        rig.jdbi.useHandle(h -> h.execute("UPDATE emails SET retry_at = now() - interval '1 second' WHERE id = ?", id));
        rig.job.run(new SendEmail(id));

        Email failed = rig.email(id);
        assertThat(failed.status()).isEqualTo(EmailStatus.failed);
        assertThat(failed.failures()).isEqualTo(2);
        assertThat(failed.lastError()).contains("SendGrid 503");
        assertThat(rig.sendgrid.requests()).hasSize(3);
    }

    @Test
    void aClientErrorFailsTheEmailWithoutRetry() throws Exception {
        rig.sendgrid.badRequest();
        UUID id = rig.enqueue(EmailTemplate.INVITATION, "dan@example.org", Map.of());

        rig.job.run(new SendEmail(id));

        Email failed = rig.email(id);
        assertThat(failed.status()).isEqualTo(EmailStatus.failed);
        assertThat(failed.lastError()).contains("SendGrid 400").contains("valid address");
    }

    @Test
    void anInterruptedReceiptWaitsForAnOperatorButAnInterruptedResetIsResent() throws Exception {
        UUID receipt = rig.enqueue(EmailTemplate.PAYMENT_RECEIPT, "erin@example.org", Map.of());
        UUID reset = rig.enqueue(EmailTemplate.PASSWORD_RESET, "erin@example.org", Map.of());
        // As a worker SIGKILLed after SendGrid's 202 leaves them: sending, lease expired.
        rig.jdbi.useHandle(h -> h.execute("UPDATE emails SET status = 'sending', attempts = 1, lease_until = now() - interval '1 second' "
                + "WHERE id IN (?, ?)", receipt, reset));

        rig.job.run(new SendEmail(receipt));
        rig.job.run(new SendEmail(reset));
        rig.job.run(new SendEmail(receipt)); // a later retry changes nothing

        assertThat(rig.email(receipt).status()).isEqualTo(EmailStatus.sending);
        assertThat(rig.email(receipt).lastError()).contains("operator");
        assertThat(rig.email(reset).status()).isEqualTo(EmailStatus.sent);
        assertThat(rig.sendgrid.requests()).hasSize(1);
        assertThat(rig.jdbi.withExtension(EmailDao.class, EmailDao::countNeedingOperator)).isEqualTo(1);
    }

    @Test
    void aSlowAnswerWithinTheRequestTimeoutIsSentOnceNotRetried() throws Exception {
        // SendGrid takes no idempotency key: a request given up on may have been accepted, and its retry
        // would be a second copy. Only connecting is held to the short timeout, waiting for the answer is not.
        SendGridFactory config = rig.sendgrid.config(5);
        config.setConnectTimeout(io.dropwizard.util.Duration.milliseconds(500));
        config.setRequestTimeout(io.dropwizard.util.Duration.seconds(5));
        rig.sendgrid.delayMillis(1500);
        UUID id = rig.enqueue(EmailTemplate.PASSWORD_RESET, "gus@example.org", Map.of());
        try (SendGridMailer patient = new SendGridMailer(config, 2)) {
            SendEmailJob slowJob = rig.job(patient, rig.pacer(), new SendEmailJob.Limits(config.longestAttempt(), 2, 0));
            slowJob.run(new SendEmail(id));
        }

        assertThat(rig.email(id).status()).isEqualTo(EmailStatus.sent);
        assertThat(rig.email(id).attempts()).isEqualTo(1);
        assertThat(rig.sendgrid.requests()).hasSize(1);
    }

    @Test
    void aSlowProviderHoldsNoMoreThreadsThanItsSlots() throws Exception {
        rig.sendgrid.delayMillis(1500);
        SendEmailJob oneSlot = rig.job(rig.mailer, rig.pacer(), new SendEmailJob.Limits(Duration.ofSeconds(30), 2, 1));
        UUID first = rig.enqueue(EmailTemplate.PASSWORD_RESET, "hal@example.org", Map.of());
        UUID second = rig.enqueue(EmailTemplate.PASSWORD_RESET, "ida@example.org", Map.of());
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<?> slow = thread.submit(() -> {
                oneSlot.run(new SendEmail(first));
                return null;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> rig.sendgrid.requests().size() == 1);

            oneSlot.run(new SendEmail(second)); // the only slot waits for SendGrid: come back later

            assertThat(rig.sendgrid.requests()).hasSize(1);
            assertThat(rig.email(second).status()).isEqualTo(EmailStatus.queued);
            assertThat(rig.email(second).retryAt()).as("waits in the queue").isAfter(Instant.now());
            slow.get(10, TimeUnit.SECONDS);
        } finally {
            thread.shutdownNow();
        }
        assertThat(rig.email(first).status()).isEqualTo(EmailStatus.sent);
        rig.jdbi.useHandle(h -> h.execute("UPDATE emails SET retry_at = now() - interval '1 second' WHERE id = ?", second));
        oneSlot.run(new SendEmail(second)); // its wait is over (the pacer's delivery) and the slot is free again
        assertThat(rig.email(second).status()).isEqualTo(EmailStatus.sent);
    }
}
