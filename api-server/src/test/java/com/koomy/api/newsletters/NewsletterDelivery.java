package com.koomy.api.newsletters;

import com.codahale.metrics.MetricRegistry;
import com.koomy.email.EmailOutbox;
import com.koomy.email.EmailRenderer;
import com.koomy.email.FanOutNewsletter;
import com.koomy.email.FanOutNewsletterJob;
import com.koomy.email.ListUnsubscribe;
import com.koomy.email.Newsletters;
import com.koomy.email.SendEmail;
import com.koomy.email.SendEmailJob;
import com.koomy.email.SinkMailer;
import com.koomy.email.UnsubscribeTokens;
import com.koomy.jobs.OutboxEntry;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.scheduling.JobRequestScheduler;
import org.jobrunr.storage.InMemoryStorageProvider;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The worker's part, run in the test: what the outbox relay would turn into jobs (newsletter fan-outs,
 * deliveries) run one after the other by the worker's own job classes, in sink mode, until the outbox is
 * empty. The worker's wiring itself is covered by the worker's tests.
 */
final class NewsletterDelivery {

    private final Jdbi jdbi;
    private final FanOutNewsletterJob fanOut;
    private final SendEmailJob send;

    NewsletterDelivery(Jdbi jdbi, String publicUrl, String secret) {
        this.jdbi = jdbi;
        this.fanOut = new FanOutNewsletterJob(jdbi);
        InMemoryStorageProvider jobs = new InMemoryStorageProvider();
        jobs.setJobMapper(new org.jobrunr.jobs.mappers.JobMapper(new org.jobrunr.utils.mapper.jackson.JacksonJsonMapper()));
        JobRequestScheduler scheduler = new JobRequestScheduler(jobs);
        this.send = new SendEmailJob(jdbi, new EmailRenderer(Map.of("productName", "Koomy", "siteUrl", publicUrl)),
                new SinkMailer(), com.koomy.email.EmailRateLimiter.NONE, () -> scheduler, new SendEmailJob.Limits(Duration.ofSeconds(30), 2, 0),
                new MetricRegistry(), new ListUnsubscribe(publicUrl, "no-reply@koomy.local", new UnsubscribeTokens(secret)));
    }

    /** Runs every due fan-out and delivery until nothing is left; scheduled fan-outs not yet due are left alone. */
    void drain() throws Exception {
        for (int round = 0; round < 1000; round++) {
            List<OutboxEntry> rows = jdbi.withHandle(h -> h.createQuery("""
                            DELETE FROM outbox WHERE kind IN ('email', 'newsletter') RETURNING id, kind, ref
                            """).map((rs, ctx) -> new OutboxEntry(rs.getLong("id"), rs.getString("kind"), rs.getString("ref")))
                    .list());
            if (rows.isEmpty()) {
                return;
            }
            for (OutboxEntry row : rows) {
                if (row.kind().equals(Newsletters.OUTBOX_KIND)) {
                    fanOut.run(new FanOutNewsletter(Newsletters.newsletterId(row.ref())));
                } else {
                    send.run(new SendEmail(EmailOutbox.emailId(row.ref())));
                }
            }
        }
        throw new AssertionError("the outbox did not empty");
    }
}
