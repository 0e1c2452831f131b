package com.koomy.email;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.email.sendgrid.SendGridMailer;
import com.koomy.ratelimit.ProviderRateLimiter;
import com.koomy.testing.SendGridStub;
import com.koomy.testing.TestDatabase;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The database, the SendGrid stub ({@link SendGridMail}) and a {@link SendEmailJob} on them (4 connections, 2 retries, no slot limit)
 * for the email job's tests, one extension; the stub accepts everything and forgets its requests before each
 * test. Also the emails and requests the tests read.
 */
final class EmailJobRig implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestDatabase db = new TestDatabase();
    private final SendGridMail mail = new SendGridMail();
    Jdbi jdbi;
    SendGridStub sendgrid;
    SendGridMailer mailer;
    SendEmailJob job;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        db.beforeAll(context);
        jdbi = db.jdbi();
        mail.beforeAll(context);
        sendgrid = mail.stub;
        mailer = mail.mailer;
        job = job(mailer, pacer(), new SendEmailJob.Limits(Duration.ofSeconds(30), 2, 0));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            mail.afterAll(context);
        } finally {
            db.afterAll(context);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        mail.beforeEach(context);
    }

    /** A job as the worker builds one, through {@code mailer}, without a shared rate limit. */
    SendEmailJob job(SendGridMailer mailer, EmailPacer pacer, SendEmailJob.Limits limits) {
        return new SendEmailJob(jdbi, new EmailRenderer(Map.of("productName", "Koomy", "siteUrl", "https://koomy.test")),
                mailer, ProviderRateLimiter.NONE, pacer, limits, new MetricRegistry());
    }

    /** One delivery thread, every second (not started). */
    EmailPacer pacer() {
        return new EmailPacer(jdbi, 1, Duration.ofSeconds(1), new MetricRegistry());
    }

    UUID enqueue(EmailTemplate template, String to, Map<String, Object> variables) {
        return jdbi.inTransaction(h -> EmailOutbox.enqueue(h, EmailMessage.to(new Recipient(to, "Ada Lovelace"), template, "en",
                variables, null, template.id() + ":" + UUID.randomUUID())));
    }

    Email email(UUID id) {
        return jdbi.withExtension(EmailDao.class, dao -> dao.find(id)).orElseThrow();
    }

    JsonNode body(int request) throws Exception {
        return JSON.readTree(sendgrid.requests().get(request).getBodyAsString());
    }

    List<UUID> releasedBatches(UUID newsletter) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT e.id FROM emails e
                         WHERE e.newsletter_id = :id AND NOT e.held
                           AND EXISTS (SELECT 1 FROM outbox o WHERE o.kind = 'email' AND o.ref = e.id::text)
                         ORDER BY e.batch_no
                        """).bind("id", newsletter).mapTo(UUID.class).list());
    }
}
