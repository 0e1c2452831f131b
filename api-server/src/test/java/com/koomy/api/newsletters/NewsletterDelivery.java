package com.koomy.api.newsletters;

import com.codahale.metrics.MetricRegistry;
import com.koomy.email.EmailOutbox;
import com.koomy.email.EmailPacer;
import com.koomy.email.EmailRenderer;
import com.koomy.email.FanOutNewsletter;
import com.koomy.email.FanOutNewsletterJob;
import com.koomy.newsletters.ListUnsubscribe;
import com.koomy.newsletters.Newsletters;
import com.koomy.email.SendEmail;
import com.koomy.email.SendEmailJob;
import com.koomy.email.SinkMailer;
import com.koomy.newsletters.UnsubscribeTokens;
import com.koomy.jobs.OutboxEntry;
import org.jdbi.v3.core.Jdbi;

import java.time.Duration;
import java.time.Instant;
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
        this.send = new SendEmailJob(jdbi, new EmailRenderer(Map.of("productName", "Koomy", "siteUrl", publicUrl)),
                new SinkMailer(), com.koomy.ratelimit.ProviderRateLimiter.NONE, new EmailPacer(jdbi, 1, Duration.ofSeconds(1), new MetricRegistry()), new SendEmailJob.Limits(Duration.ofSeconds(30), 2, 0),
                new MetricRegistry(), new ListUnsubscribe(publicUrl, "no-reply@koomy.local", new UnsubscribeTokens(secret)));
    }

    /**
     * Runs every fan-out and delivery until nothing is left, as the relay and JobRunr would; a scheduled
     * fan-out ({@code <id>@<epoch second>}) stays in the outbox until its time, as its JobRunr job would.
     */
    void drain() throws Exception {
        drain(false);
    }

    /** Also runs the scheduled fan-outs whose time has not come (a job that JobRunr started early). */
    void drainIncludingEarly() throws Exception {
        drain(true);
    }

    private void drain(boolean early) throws Exception {
        for (int round = 0; round < 1000; round++) {
            List<OutboxEntry> rows = jdbi.withHandle(h -> h.createQuery("""
                            SELECT id, kind, ref FROM outbox WHERE kind IN ('email', 'newsletter') ORDER BY id
                            """).map((rs, ctx) -> new OutboxEntry(rs.getLong("id"), rs.getString("kind"), rs.getString("ref")))
                    .list()).stream()
                    .filter(row -> early || !row.kind().equals(Newsletters.OUTBOX_KIND) || Newsletters.dueAt(row.ref()) == null
                            || !Newsletters.dueAt(row.ref()).isAfter(Instant.now()))
                    .toList();
            if (rows.isEmpty()) {
                return;
            }
            jdbi.useHandle(h -> h.createUpdate("DELETE FROM outbox WHERE id = ANY(:ids)")
                    .bindArray("ids", Long.class, rows.stream().map(OutboxEntry::id).toList()).execute());
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
