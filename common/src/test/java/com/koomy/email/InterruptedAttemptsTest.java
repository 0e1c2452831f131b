package com.koomy.email;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.email.sendgrid.SendGridEvent;
import com.koomy.email.sendgrid.SendGridMailer;
import com.koomy.newsletters.NewsletterRequest;
import com.koomy.newsletters.Newsletters;
import com.koomy.ratelimit.ProviderRateLimiter;
import com.koomy.testing.SendGridStub;
import com.koomy.testing.TestDatabase;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An attempt that may have died in SendGrid's hands (a worker SIGKILLed after {@code sending} was committed)
 * is settled without an operator: by SendGrid's event for its koomy_key (sent, never sent again), or sent
 * again once the event webhook shows SendGrid took later mail but not this one. (The sink never leaves one:
 * {@link SinkCrashTest}.)
 */
class InterruptedAttemptsTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();
    @RegisterExtension
    static SendGridMail sendgrid = new SendGridMail();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RESEND_AFTER = Duration.ofSeconds(2);
    private static Jdbi jdbi;

    @BeforeAll
    static void setUp() {
        jdbi = db.jdbi();
    }

    /** A worker's delivery with its pacer running (polling every 200 ms), settling held rows with events. */
    private record Worker(EmailPacer pacer, SendEmailJob job) implements AutoCloseable {

        static Worker start() {
            EmailPacer pacer = new EmailPacer(jdbi, 2, Duration.ofMillis(200), new MetricRegistry());
            SendEmailJob job = new SendEmailJob(jdbi, renderer(), sendgrid.mailer, ProviderRateLimiter.NONE, pacer,
                    new SendEmailJob.Limits(Duration.ofSeconds(30), 2, 0, RESEND_AFTER), new MetricRegistry());
            pacer.start();
            return new Worker(pacer, job);
        }

        @Override
        public void close() throws InterruptedException {
            pacer.stop();
        }
    }

    /** Nothing a test leaves queued or sending is picked up by the shared pacer during another test. */
    @org.junit.jupiter.api.AfterEach
    void settleLeftovers() {
        jdbi.useHandle(h -> h.execute("UPDATE emails SET status = 'failed' WHERE status IN ('queued', 'sending')"));
    }

    private static EmailRenderer renderer() {
        return InterruptedEmails.renderer();
    }

    private static Email interruptedReceipt(String to) {
        return InterruptedEmails.interruptedReceipt(jdbi, to);
    }

    private static Email email(UUID id) {
        return InterruptedEmails.email(jdbi, id);
    }

    /** The requests the stub received for this key (a delayed request of an earlier test may be logged late). */
    private static List<com.fasterxml.jackson.databind.JsonNode> requestsFor(String key) throws Exception {
        List<com.fasterxml.jackson.databind.JsonNode> bodies = new java.util.ArrayList<>();
        for (var request : sendgrid.stub.requests()) {
            var body = JSON.readTree(request.getBodyAsString());
            if (body.at("/custom_args/koomy_key").asText().equals(key)) {
                bodies.add(body);
            }
        }
        return bodies;
    }

    /** What the API's event webhook stores once SendGrid's signature is verified. */
    private static void sendGridEvent(String event, String to, String koomyKey, Instant at) {
        jdbi.useHandle(h -> EmailSuppressions.record(h, List.of(new SendGridEvent("evt-" + UUID.randomUUID(), event, to,
                koomyKey, "sg-held-1.filter0001.1.0", at, null, null, null, null, "{}"))));
    }

    @Test
    void aHeldReceiptIsSentWhenSendGridsEventForItArrivesAndIsNeverSentAgain() throws Exception {
        try (Worker worker = Worker.start()) {
            Email receipt = interruptedReceipt("gus@example.org");
            await().atMost(Duration.ofSeconds(10)).until(() -> email(receipt.id()).leaseUntil() == null); // the pacer's take-over
            heldThenSettledByItsEvent(receipt);
        }
    }

    private void heldThenSettledByItsEvent(Email receipt) throws Exception {
        Email held = email(receipt.id());
        assertThat(held.status()).isEqualTo(EmailStatus.sending);
        assertThat(held.leaseUntil()).isNull();
        assertThat(held.retryAt()).isAfter(Instant.now()).isBefore(Instant.now().plus(RESEND_AFTER).plusSeconds(1));
        assertThat(held.lastError()).contains("settled by SendGrid's first event");
        assertThat(jdbi.withExtension(EmailDao.class, EmailDao::countAwaitingConfirmation)).isEqualTo(1);

        sendGridEvent("processed", "gus@example.org", receipt.idempotencyKey(), Instant.now());

        await().atMost(Duration.ofSeconds(10)).until(() -> email(receipt.id()).status() == EmailStatus.sent);
        Thread.sleep(RESEND_AFTER.toMillis() + 500); // past the resend time: nothing more happens
        Email sent = email(receipt.id());
        assertThat(sent.providerMessageId()).isEqualTo("sg-held-1");
        assertThat(sent.lastError()).contains("confirmed by SendGrid's processed event");
        assertThat(sent.attempts()).isEqualTo(1);
        assertThat(requestsFor(receipt.idempotencyKey())).isEmpty();
    }

    @Test
    void aHeldReceiptWithoutEventIsResentOnlyOnceTheWebhookShowsLaterMailAndCarriesItsAttempt() throws Exception {
        try (Worker worker = Worker.start()) {
            Email receipt = interruptedReceipt("hal@example.org");
            worker.job().run(new SendEmail(receipt.id()));
            resentOnceLaterMailIsConfirmed(receipt, Instant.now());
        }
    }

    private void resentOnceLaterMailIsConfirmed(Email receipt, Instant heldAt) throws Exception {
        // Its resend is due, but no processed event at all since the hold: the webhook may be down, so no resend.
        await().atMost(Duration.ofSeconds(10)).until(() -> email(receipt.id()).retryAt().isAfter(heldAt.plusSeconds(30)));
        assertThat(email(receipt.id()).status()).isEqualTo(EmailStatus.sending);
        assertThat(requestsFor(receipt.idempotencyKey())).isEmpty();

        // SendGrid's webhook brings a processed event of other mail taken after the hold, none for this one.
        sendGridEvent("processed", "other@example.org", "welcome:" + UUID.randomUUID(), Instant.now());
        jdbi.useHandle(h -> h.execute("UPDATE emails SET retry_at = now() WHERE id = ?", receipt.id())); // the minute passed

        await().atMost(Duration.ofSeconds(10)).until(() -> email(receipt.id()).status() == EmailStatus.sent);
        assertThat(requestsFor(receipt.idempotencyKey())).hasSize(1)
                .allSatisfy(body -> assertThat(body.at("/custom_args/koomy_attempt").asText()).isEqualTo("2"));
        assertThat(email(receipt.id()).attempts()).isEqualTo(2);
    }

    /** A newsletter batch killed in SendGrid's hands: the newsletter ends sent when SendGrid's event settles the batch. */
    @Test
    void aHeldNewsletterBatchSettledByItsEventLetsTheNewsletterEndSent() throws Exception {
        List<Recipient> audience = new java.util.ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            audience.add(new Recipient(String.format("reader%04d@example.org", i), "Reader " + i));
        }
        UUID newsletter = jdbi.inTransaction(h -> Newsletters.enqueue(h, new NewsletterRequest(UUID.randomUUID(), "Club",
                "newsletter:" + UUID.randomUUID(), "en", "News", "Hello.", audience)));
        new FanOutNewsletterJob(jdbi).run(new FanOutNewsletter(newsletter));
        List<Email> batches = jdbi.withHandle(h -> h.createQuery("SELECT * FROM emails WHERE newsletter_id = :id ORDER BY batch_no")
                .bind("id", newsletter).map(new EmailMapper()).list());
        assertThat(batches).hasSize(2);
        // Batch 0 as a worker SIGKILLed in SendGrid's hands leaves it; batch 1 goes out normally.
        jdbi.useHandle(h -> h.execute("UPDATE emails SET status = 'sending', attempts = 1, provider = 'sendgrid', "
                + "lease_until = now() - interval '1 second' WHERE id = ?", batches.get(0).id()));
        try (Worker worker = Worker.start()) {
            worker.job().run(new SendEmail(batches.get(1).id()));
            await().atMost(Duration.ofSeconds(10)).until(() -> email(batches.get(0).id()).leaseUntil() == null);
            assertThat(newsletterStatus(newsletter)).isEqualTo("sending");

            sendGridEvent("processed", "reader0000@example.org", batches.get(0).idempotencyKey(), Instant.now());

            await().atMost(Duration.ofSeconds(10)).until(() -> "sent".equals(newsletterStatus(newsletter)));
        }
        assertThat(email(batches.get(0).id()).status()).isEqualTo(EmailStatus.sent);
        assertThat(requestsFor(batches.get(0).idempotencyKey())).isEmpty();
        assertThat(requestsFor(batches.get(1).idempotencyKey())).hasSize(1);
    }

    private static String newsletterStatus(UUID newsletter) {
        return jdbi.withHandle(h -> h.createQuery("SELECT status FROM newsletters WHERE id = :id").bind("id", newsletter)
                .mapTo(String.class).one());
    }

    @Test
    void withoutAnEventWebhookAHeldReceiptWaitsForAnOperatorUnlessAnEventSettlesIt() throws Exception {
        EmailPacer pacer = new EmailPacer(jdbi, 1, Duration.ofMillis(200), new MetricRegistry());
        SendEmailJob noWebhook = new SendEmailJob(jdbi, renderer(), sendgrid.mailer, ProviderRateLimiter.NONE, pacer,
                new SendEmailJob.Limits(Duration.ofSeconds(30), 2, 0), new MetricRegistry());
        Email receipt = interruptedReceipt("ivy@example.org");

        noWebhook.run(new SendEmail(receipt.id()));
        assertThat(email(receipt.id()).retryAt()).isNull();
        assertThat(email(receipt.id()).lastError()).contains("an operator must resend it or mark it sent");
        assertThat(jdbi.withExtension(EmailDao.class, EmailDao::countNeedingOperator)).isEqualTo(1);

        pacer.start();
        try {
            sendGridEvent("delivered", "ivy@example.org", receipt.idempotencyKey(), Instant.now());
            await().atMost(Duration.ofSeconds(10)).until(() -> email(receipt.id()).status() == EmailStatus.sent);
        } finally {
            pacer.stop();
        }
        assertThat(requestsFor(receipt.idempotencyKey())).isEmpty();
    }

    @Test
    void anAnswerThatNeverCameIsHeldTheSameWay() throws IOException {
        sendgrid.stub.delayMillis(3000);
        try (SendGridMailer impatient = new SendGridMailer(withRequestTimeout(sendgrid.stub, 1), 2)) {
            SendEmailJob job = new SendEmailJob(jdbi, renderer(), impatient, ProviderRateLimiter.NONE,
                    new EmailPacer(jdbi, 1, Duration.ofSeconds(1), new MetricRegistry()),
                    new SendEmailJob.Limits(Duration.ofSeconds(30), 2, 0, RESEND_AFTER), new MetricRegistry());
            UUID id = jdbi.inTransaction(h -> EmailOutbox.enqueue(h, EmailMessage.to(Recipient.of("lou@example.org"),
                    EmailTemplate.PAYMENT_RECEIPT, "en", Map.of("amount", "25.00"), null, "receipt:" + UUID.randomUUID())));
            try {
                job.run(new SendEmail(id));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            Email held = email(id);
            assertThat(held.status()).isEqualTo(EmailStatus.sending);
            assertThat(held.leaseUntil()).isNull();
            assertThat(held.retryAt()).isNotNull();
            assertThat(held.lastError()).contains("no answer from sendgrid");
        }
    }

    private static com.koomy.config.SendGridFactory withRequestTimeout(SendGridStub stub, int seconds) {
        com.koomy.config.SendGridFactory config = stub.config(5);
        config.setRequestTimeout(io.dropwizard.util.Duration.seconds(seconds));
        return config;
    }
}
