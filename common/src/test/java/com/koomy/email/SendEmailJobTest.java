package com.koomy.email;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.config.SendGridFactory;
import com.koomy.email.sendgrid.SendGridMailer;
import com.koomy.newsletters.NewsletterRequest;
import com.koomy.newsletters.Newsletters;
import com.koomy.ratelimit.ProviderRateLimiter;
import com.koomy.testing.TestDatabase;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SendEmailJobTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();
    @RegisterExtension
    static SendGridMail sendgrid = new SendGridMail();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Jdbi jdbi;
    private static SendEmailJob job;

    @BeforeAll
    static void setUp() {
        jdbi = db.jdbi();
        job = new SendEmailJob(jdbi, new EmailRenderer(Map.of("productName", "Koomy", "siteUrl", "https://koomy.test")),
                sendgrid.mailer, ProviderRateLimiter.NONE, new EmailPacer(jdbi, 1, Duration.ofSeconds(1), new MetricRegistry()), new SendEmailJob.Limits(Duration.ofSeconds(30), 2, 0), new MetricRegistry());
    }

    private static UUID enqueue(EmailTemplate template, String to, Map<String, Object> variables) {
        return jdbi.inTransaction(h -> EmailOutbox.enqueue(h, EmailMessage.to(new Recipient(to, "Ada Lovelace"), template, "en",
                variables, null, template.id() + ":" + UUID.randomUUID())));
    }

    private static Email email(UUID id) {
        return jdbi.withExtension(EmailDao.class, dao -> dao.find(id)).orElseThrow();
    }

    private static JsonNode body(int request) throws Exception {
        return JSON.readTree(sendgrid.stub.requests().get(request).getBodyAsString());
    }

    @Test
    void aSecondEnqueueWithTheSameKeyIsANoOp() {
        EmailMessage message = EmailMessage.to(Recipient.of("Grace@Example.org"), EmailTemplate.PAYMENT_RECEIPT, "fr",
                Map.of("amount", "25.00"), null, "receipt:pi_3MtwBwLkdIwHu7ix28a3tqPa");
        UUID first = jdbi.inTransaction(h -> EmailOutbox.enqueue(h, message));
        UUID second = jdbi.inTransaction(h -> EmailOutbox.enqueue(h, message));

        assertThat(second).isEqualTo(first);
        int outboxRows = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM outbox WHERE kind = 'email' AND ref = :ref")
                .bind("ref", first.toString()).mapTo(Integer.class).one());
        assertThat(outboxRows).isEqualTo(1);
        assertThat(email(first).recipients()).containsExactly(new Recipient("grace@example.org", null));
    }

    @Test
    void sendsOnceWithOurKeyInCustomArgsAndNeverAgain() throws Exception {
        UUID id = enqueue(EmailTemplate.PASSWORD_RESET, "ada@example.org",
                Map.of("resetUrl", "https://koomy.test/reset?t=abc", "expiresInMinutes", 30));

        job.run(new SendEmail(id));
        job.run(new SendEmail(id)); // a duplicate job, or a retry after success

        Email sent = email(id);
        assertThat(sent.status()).isEqualTo(EmailStatus.sent);
        assertThat(sent.provider()).isEqualTo("sendgrid");
        assertThat(sent.providerMessageId()).startsWith("sg-");
        assertThat(sent.attempts()).isEqualTo(1);
        assertThat(sendgrid.stub.requests()).hasSize(1);
        JsonNode body = body(0);
        assertThat(body.at("/custom_args/koomy_key").asText()).isEqualTo(sent.idempotencyKey());
        assertThat(body.at("/personalizations/0/to/0/email").asText()).isEqualTo("ada@example.org");
        assertThat(body.at("/content/0/type").asText()).isEqualTo("text/plain");
        assertThat(body.at("/content/0/value").asText()).contains("https://koomy.test/reset?t=abc").contains("Ada Lovelace");
        assertThat(body.at("/content/1/value").asText()).contains("https://koomy.test/reset?t&#61;abc").contains("Ada Lovelace");
        assertThat(body.at("/subject").asText()).isEqualTo("Reset your password");
        assertThat(sendgrid.stub.requests().get(0).getHeader("Authorization")).isEqualTo("Bearer SG.test-key-not-a-secret");
    }

    @Test
    void aRateLimitedAnswerWaitsInTheQueueWithoutCountingAFailure() throws Exception {
        sendgrid.stub.rateLimited(Instant.now().plusSeconds(7).getEpochSecond());
        UUID id = enqueue(EmailTemplate.WELCOME, "bob@example.org", Map.of());

        job.run(new SendEmail(id)); // no exception: not a JobRunr failure

        Email queued = email(id);
        assertThat(queued.status()).isEqualTo(EmailStatus.queued);
        assertThat(queued.lastError()).contains("SendGrid 429");
        assertThat(queued.failures()).isZero();
        assertThat(queued.retryAt()).isBetween(Instant.now().plusSeconds(4), Instant.now().plusSeconds(9));
    }

    @Test
    void rowsWhoseWaitIsOverAreDeliveredByThePacerTransactionalMailFirst() throws Exception {
        // Two waits over: a bulk email's (the older) and a password reset's; one delivery thread.
        UUID bulk = jdbi.inTransaction(h -> EmailOutbox.enqueue(h, EmailMessage.to(Recipient.of("kim@example.org"),
                EmailTemplate.DUES_REMINDER, "en", Map.of(), null, "dues-reminder:" + UUID.randomUUID())));
        UUID reset = enqueue(EmailTemplate.PASSWORD_RESET, "lea@example.org", Map.of());
        jdbi.useHandle(h -> {
            h.execute("UPDATE emails SET retry_at = now() - interval '2 seconds' WHERE id = ?", bulk);
            h.execute("UPDATE emails SET retry_at = now() - interval '1 second' WHERE id = ?", reset);
        });
        EmailPacer pacer = new EmailPacer(jdbi, 1, Duration.ofMillis(200), new MetricRegistry());
        new SendEmailJob(jdbi, new EmailRenderer(Map.of("productName", "Koomy", "siteUrl", "https://koomy.test")),
                sendgrid.mailer, ProviderRateLimiter.NONE, pacer, new SendEmailJob.Limits(Duration.ofSeconds(30), 2, 0), new MetricRegistry());
        pacer.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> email(bulk).status() == EmailStatus.sent
                    && email(reset).status() == EmailStatus.sent);
        } finally {
            pacer.stop();
        }
        List<String> order = new ArrayList<>();
        for (int i = 0; i < sendgrid.stub.requests().size(); i++) {
            order.add(body(i).at("/personalizations/0/to/0/email").asText());
        }
        assertThat(order).containsSubsequence("lea@example.org", "kim@example.org");
        assertThat(email(reset).attempts()).isEqualTo(1);
    }

    @Test
    void aBatchOfRemindersIsOneRequestWithEachNameSubstitutedEscapedInHtmlOnly() throws Exception {
        UUID id = jdbi.inTransaction(h -> EmailOutbox.enqueue(h, new EmailMessage(EmailTemplate.DUES_REMINDER, "en",
                List.of(new Recipient("mia@example.org", "Mia <b>& Co"), new Recipient("ned@example.org", "Ned"),
                        Recipient.of("ora@example.org")),
                Map.of("communityName", "Rowing Club", "amount", "25.00", "currency", "EUR", "dueDate", "2026-12-31",
                        "payUrl", "https://koomy.test/pay"), UUID.randomUUID(), "dues-reminders:" + UUID.randomUUID())));

        job.run(new SendEmail(id));

        assertThat(sendgrid.stub.requests()).hasSize(1);
        JsonNode body = body(0);
        assertThat(body.at("/content/0/value").asText()).contains("Hello [[recipient_name]],").contains("Rowing Club");
        assertThat(body.at("/content/1/value").asText()).contains("Hello [[recipient_name_html]],");
        assertThat(body.at("/personalizations")).hasSize(3);
        JsonNode mia = body.at("/personalizations/0");
        assertThat(mia.at("/to/0/email").asText()).isEqualTo("mia@example.org");
        assertThat(mia.at("/substitutions/[[recipient_name]]").asText()).isEqualTo("Mia <b>& Co");
        assertThat(mia.at("/substitutions/[[recipient_name_html]]").asText()).isEqualTo("Mia &lt;b&gt;&amp; Co");
        assertThat(body.at("/personalizations/1/substitutions/[[recipient_name]]").asText()).isEqualTo("Ned");
        assertThat(body.at("/personalizations/2/substitutions/[[recipient_name]]").asText()).isEmpty();
        assertThat(email(id).status()).isEqualTo(EmailStatus.sent);
    }

    @Test
    void aServerErrorIsRetriedAfterABackoffThatNoOtherJobSkipsThenFailsOnceTheRetriesAreSpent() throws Exception {
        sendgrid.stub.serverError();
        UUID id = enqueue(EmailTemplate.PAYMENT_RECEIPT, "carol@example.org", Map.of());

        Instant before = Instant.now();
        job.run(new SendEmail(id)); // no exception: the row, not JobRunr, counts the failure

        Email queued = email(id);
        assertThat(queued.status()).isEqualTo(EmailStatus.queued);
        assertThat(queued.lastError()).contains("SendGrid 503");
        assertThat(queued.failures()).isEqualTo(1);
        assertThat(queued.retryAt()).isBetween(before.plusSeconds(3).minusMillis(1), Instant.now().plusSeconds(3));

        // Any attempt that comes earlier (a duplicate job) waits too, and does not shorten the wait.
        job.run(new SendEmail(id));
        assertThat(sendgrid.stub.requests()).hasSize(1);
        assertThat(email(id).retryAt()).isEqualTo(queued.retryAt());

        // The second failure waits 9 s; the third, with 2 retries allowed, fails the email.
        jdbi.useHandle(h -> h.execute("UPDATE emails SET retry_at = now() - interval '1 second' WHERE id = ?", id));
        Instant second = Instant.now();
        job.run(new SendEmail(id));
        assertThat(email(id).failures()).isEqualTo(2);
        assertThat(email(id).retryAt()).isBetween(second.plusSeconds(9).minusMillis(1), Instant.now().plusSeconds(9));
        jdbi.useHandle(h -> h.execute("UPDATE emails SET retry_at = now() - interval '1 second' WHERE id = ?", id));
        job.run(new SendEmail(id));

        Email failed = email(id);
        assertThat(failed.status()).isEqualTo(EmailStatus.failed);
        assertThat(failed.failures()).isEqualTo(2);
        assertThat(failed.lastError()).contains("SendGrid 503");
        assertThat(sendgrid.stub.requests()).hasSize(3);
    }

    @Test
    void aClientErrorFailsTheEmailWithoutRetry() throws Exception {
        sendgrid.stub.badRequest();
        UUID id = enqueue(EmailTemplate.INVITATION, "dan@example.org", Map.of());

        job.run(new SendEmail(id));

        Email failed = email(id);
        assertThat(failed.status()).isEqualTo(EmailStatus.failed);
        assertThat(failed.lastError()).contains("SendGrid 400").contains("valid address");
    }

    @Test
    void anInterruptedReceiptWaitsForAnOperatorButAnInterruptedResetIsResent() throws Exception {
        UUID receipt = enqueue(EmailTemplate.PAYMENT_RECEIPT, "erin@example.org", Map.of());
        UUID reset = enqueue(EmailTemplate.PASSWORD_RESET, "erin@example.org", Map.of());
        // As a worker SIGKILLed after SendGrid's 202 leaves them: sending, lease expired.
        jdbi.useHandle(h -> h.execute("UPDATE emails SET status = 'sending', attempts = 1, lease_until = now() - interval '1 second' "
                + "WHERE id IN (?, ?)", receipt, reset));

        job.run(new SendEmail(receipt));
        job.run(new SendEmail(reset));
        job.run(new SendEmail(receipt)); // a later retry changes nothing

        assertThat(email(receipt).status()).isEqualTo(EmailStatus.sending);
        assertThat(email(receipt).lastError()).contains("operator");
        assertThat(email(reset).status()).isEqualTo(EmailStatus.sent);
        assertThat(sendgrid.stub.requests()).hasSize(1);
        assertThat(jdbi.withExtension(EmailDao.class, EmailDao::countNeedingOperator)).isEqualTo(1);
    }

    @Test
    void aSlowAnswerWithinTheRequestTimeoutIsSentOnceNotRetried() throws Exception {
        // SendGrid takes no idempotency key: a request given up on may have been accepted, and its retry
        // would be a second copy. Only connecting is held to the short timeout, waiting for the answer is not.
        SendGridFactory config = sendgrid.stub.config(5);
        config.setConnectTimeout(io.dropwizard.util.Duration.milliseconds(500));
        config.setRequestTimeout(io.dropwizard.util.Duration.seconds(5));
        sendgrid.stub.delayMillis(1500);
        UUID id = enqueue(EmailTemplate.PASSWORD_RESET, "gus@example.org", Map.of());
        try (SendGridMailer patient = new SendGridMailer(config, 2)) {
            SendEmailJob slowJob = new SendEmailJob(jdbi, new EmailRenderer(Map.of("productName", "Koomy", "siteUrl", "https://koomy.test")),
                    patient, ProviderRateLimiter.NONE, new EmailPacer(jdbi, 1, Duration.ofSeconds(1), new MetricRegistry()),
                    new SendEmailJob.Limits(config.longestAttempt(), 2, 0),
                    new MetricRegistry());
            slowJob.run(new SendEmail(id));
        }

        assertThat(email(id).status()).isEqualTo(EmailStatus.sent);
        assertThat(email(id).attempts()).isEqualTo(1);
        assertThat(sendgrid.stub.requests()).hasSize(1);
    }

    @Test
    void aSlowProviderHoldsNoMoreThreadsThanItsSlots() throws Exception {
        sendgrid.stub.delayMillis(1500);
        SendEmailJob oneSlot = new SendEmailJob(jdbi, new EmailRenderer(Map.of("productName", "Koomy", "siteUrl", "https://koomy.test")),
                sendgrid.mailer, ProviderRateLimiter.NONE, new EmailPacer(jdbi, 1, Duration.ofSeconds(1), new MetricRegistry()),
                new SendEmailJob.Limits(Duration.ofSeconds(30), 2, 1), new MetricRegistry());
        UUID first = enqueue(EmailTemplate.PASSWORD_RESET, "hal@example.org", Map.of());
        UUID second = enqueue(EmailTemplate.PASSWORD_RESET, "ida@example.org", Map.of());
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<?> slow = thread.submit(() -> {
                oneSlot.run(new SendEmail(first));
                return null;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> sendgrid.stub.requests().size() == 1);

            oneSlot.run(new SendEmail(second)); // the only slot waits for SendGrid: come back later

            assertThat(sendgrid.stub.requests()).hasSize(1);
            assertThat(email(second).status()).isEqualTo(EmailStatus.queued);
            assertThat(email(second).retryAt()).as("waits in the queue").isAfter(Instant.now());
            slow.get(10, TimeUnit.SECONDS);
        } finally {
            thread.shutdownNow();
        }
        assertThat(email(first).status()).isEqualTo(EmailStatus.sent);
        jdbi.useHandle(h -> h.execute("UPDATE emails SET retry_at = now() - interval '1 second' WHERE id = ?", second));
        oneSlot.run(new SendEmail(second)); // its wait is over (the pacer's delivery) and the slot is free again
        assertThat(email(second).status()).isEqualTo(EmailStatus.sent);
    }

    @Test
    void anAttemptInFlightIsNotDuplicated() throws Exception {
        UUID id = enqueue(EmailTemplate.PASSWORD_RESET, "fay@example.org", Map.of());
        jdbi.useHandle(h -> h.execute("UPDATE emails SET status = 'sending', lease_until = now() + interval '20 seconds' WHERE id = ?", id));

        job.run(new SendEmail(id));

        assertThat(sendgrid.stub.requests()).isEmpty();
        assertThat(email(id).status()).isEqualTo(EmailStatus.sending);
    }

    @Test
    void suppressedRecipientsAreNotMailed() throws Exception {
        jdbi.useHandle(h -> h.execute("INSERT INTO email_suppressions (email, reason, scope) VALUES "
                + "('bounced@example.org', 'bounce', 'all'), ('unsub@example.org', 'unsubscribe', 'bulk')"));
        UUID bounced = enqueue(EmailTemplate.PASSWORD_RESET, "bounced@example.org", Map.of());
        UUID unsubscribedReceipt = enqueue(EmailTemplate.PAYMENT_RECEIPT, "unsub@example.org", Map.of());
        UUID unsubscribedReminder = enqueue(EmailTemplate.DUES_REMINDER, "unsub@example.org", Map.of());

        job.run(new SendEmail(bounced));
        job.run(new SendEmail(unsubscribedReceipt));
        job.run(new SendEmail(unsubscribedReminder));

        assertThat(email(bounced).status()).isEqualTo(EmailStatus.suppressed);
        assertThat(email(unsubscribedReceipt).status()).isEqualTo(EmailStatus.sent); // transactional still goes
        assertThat(email(unsubscribedReminder).status()).isEqualTo(EmailStatus.suppressed);
        assertThat(sendgrid.stub.requests()).hasSize(1);
    }

    @Test
    void aTicketCarriesItsQrCodeInline() throws Exception {
        UUID id = enqueue(EmailTemplate.EVENT_TICKET, "gus@example.org",
                Map.of("eventTitle", "AG 2026", "ticketCode", "TK-42", "qrPayload", "koomy:ticket:TK-42:signature"));

        job.run(new SendEmail(id));

        JsonNode attachment = body(0).at("/attachments/0");
        assertThat(attachment.at("/content_id").asText()).isEqualTo("ticket-qr");
        assertThat(attachment.at("/disposition").asText()).isEqualTo("inline");
        byte[] png = java.util.Base64.getDecoder().decode(attachment.at("/content").asText());
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        assertThat(body(0).at("/content/1/value").asText()).contains("cid:ticket-qr");
    }

    @Test
    void aNewsletterOf2500MakesThreeRequestsWithoutDuplicateRecipients() throws Exception {
        List<Recipient> audience = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            audience.add(new Recipient(String.format("member%04d@example.org", i), "Member " + i));
        }
        audience.add(new Recipient("MEMBER0001@example.org", "same address, other case")); // one person, once
        UUID communityId = UUID.randomUUID();
        NewsletterRequest request = new NewsletterRequest(communityId, "Club de voile", "newsletter:" + UUID.randomUUID(),
                "fr", "Régate de printemps", "Rendez-vous samedi <à 9h> au port.", audience);
        UUID newsletter = jdbi.inTransaction(h -> Newsletters.enqueue(h, request));
        jdbi.inTransaction(h -> Newsletters.enqueue(h, request)); // repeated: no-op

        FanOutNewsletterJob fanOut = new FanOutNewsletterJob(jdbi);
        fanOut.run(new FanOutNewsletter(newsletter));
        fanOut.run(new FanOutNewsletter(newsletter)); // a duplicate fan-out job makes no new batch

        List<UUID> released = releasedBatches(newsletter);
        assertThat(released).hasSize(Newsletters.WINDOW);
        // Deliver batches as the queue would: each finished batch releases the next one.
        Set<UUID> delivered = new HashSet<>();
        while (!released.isEmpty()) {
            for (UUID batch : released) {
                job.run(new SendEmail(batch));
                job.run(new SendEmail(batch)); // every batch retried once: never resent
                delivered.add(batch);
            }
            released = releasedBatches(newsletter).stream().filter(b -> !delivered.contains(b)).toList();
        }

        assertThat(sendgrid.stub.requests()).hasSize(3);
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            body(i).at("/personalizations").forEach(p -> recipients.add(p.at("/to/0/email").asText()));
            assertThat(body(i).at("/tracking_settings/subscription_tracking/enable").asBoolean()).isTrue();
        }
        assertThat(recipients).hasSize(2500).doesNotHaveDuplicates();
        assertThat(body(0).at("/content/1/value").asText()).contains("&lt;à 9h&gt;");
        String status = jdbi.withHandle(h -> h.createQuery("SELECT status FROM newsletters WHERE id = :id").bind("id", newsletter)
                .mapTo(String.class).one());
        assertThat(status).isEqualTo("sent");
    }

    private static List<UUID> releasedBatches(UUID newsletter) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT e.id FROM emails e
                         WHERE e.newsletter_id = :id AND NOT e.held
                           AND EXISTS (SELECT 1 FROM outbox o WHERE o.kind = 'email' AND o.ref = e.id::text)
                         ORDER BY e.batch_no
                        """).bind("id", newsletter).mapTo(UUID.class).list());
    }
}
