package com.koomy.email;

import com.codahale.metrics.MetricRegistry;
import com.koomy.ratelimit.ProviderRateLimiter;
import com.koomy.testing.TestDatabase;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The sink never leaves an attempt in doubt: it delivers in the transaction that claims the row, so a crash
 * leaves the row queued, and a row it left sending is simply delivered again (nothing left the process).
 */
class SinkCrashTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static Jdbi jdbi;

    @BeforeAll
    static void setUp() {
        jdbi = db.jdbi();
    }

    private static EmailRenderer renderer() {
        return InterruptedEmails.renderer();
    }

    private static Email email(UUID id) {
        return InterruptedEmails.email(jdbi, id);
    }

    @Test
    void theSinkDeliversInTheTransactionThatClaimsTheRowSoACrashLeavesItQueued() throws Exception {
        UUID id = jdbi.inTransaction(h -> EmailOutbox.enqueue(h, EmailMessage.to(Recipient.of("jo@example.org"),
                EmailTemplate.PAYMENT_RECEIPT, "en", Map.of("amount", "25.00"), null, "receipt:" + UUID.randomUUID())));
        Mailer dying = new SinkMailer() {
            @Override
            public Delivery send(OutgoingEmail email) {
                throw new IllegalStateException("the worker dies while the sink delivers");
            }
        };
        SendEmailJob crashing = new SendEmailJob(jdbi, renderer(), dying, ProviderRateLimiter.NONE,
                new EmailPacer(jdbi, 1, Duration.ofSeconds(1), new MetricRegistry()),
                new SendEmailJob.Limits(Duration.ofSeconds(30), 2, 0), new MetricRegistry());

        assertThatThrownBy(() -> crashing.run(new SendEmail(id))).hasMessageContaining("dies");
        assertThat(email(id).status()).isEqualTo(EmailStatus.queued);
        assertThat(email(id).attempts()).isZero();

        SendEmailJob sink = new SendEmailJob(jdbi, renderer(), new SinkMailer(), ProviderRateLimiter.NONE,
                new EmailPacer(jdbi, 1, Duration.ofSeconds(1), new MetricRegistry()),
                new SendEmailJob.Limits(Duration.ofSeconds(30), 2, 0), new MetricRegistry());
        sink.run(new SendEmail(id));
        assertThat(email(id).status()).isEqualTo(EmailStatus.sent);
        assertThat(email(id).providerMessageId()).startsWith("sink-");
        assertThat(email(id).attempts()).isEqualTo(1);
    }

    @Test
    void aRowTheSinkLeftSendingIsDeliveredAgainNothingHavingLeftTheProcess() throws Exception {
        Email receipt = InterruptedEmails.interruptedReceipt(jdbi, "kai@example.org");
        jdbi.useHandle(h -> h.execute("UPDATE emails SET provider = 'sink', lease_until = NULL WHERE id = ?", receipt.id()));
        SendEmailJob sink = new SendEmailJob(jdbi, renderer(), new SinkMailer(), ProviderRateLimiter.NONE,
                new EmailPacer(jdbi, 1, Duration.ofSeconds(1), new MetricRegistry()),
                new SendEmailJob.Limits(Duration.ofSeconds(30), 2, 0), new MetricRegistry());

        sink.run(new SendEmail(receipt.id()));

        assertThat(email(receipt.id()).status()).isEqualTo(EmailStatus.sent);
    }
}
