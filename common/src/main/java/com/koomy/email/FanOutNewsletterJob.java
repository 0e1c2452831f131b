package com.koomy.email;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.jobs.lambdas.JobRequestHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Splits a queued newsletter into batch emails of at most {@link Newsletters#BATCH_SIZE}
 * recipients, in one transaction: either every batch exists or none does, and a second run finds
 * the newsletter no longer {@code queued} and does nothing. Suppressed addresses are left out here
 * (and checked again when each batch is sent). The first {@link Newsletters#WINDOW} batches go on
 * the queue at once; the others are held until an earlier one ends.
 */
public class FanOutNewsletterJob implements JobRequestHandler<FanOutNewsletter> {

    private static final Logger LOG = LoggerFactory.getLogger(FanOutNewsletterJob.class);

    private final Jdbi jdbi;

    public FanOutNewsletterJob(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    private record Newsletter(UUID id, UUID communityId, String communityName, String locale, String subject,
                              String body, String status) {
    }

    @Override
    public void run(FanOutNewsletter request) {
        jdbi.useTransaction(handle -> fanOut(handle, request.newsletterId()));
    }

    private void fanOut(Handle handle, UUID newsletterId) {
        Newsletter newsletter = handle.createQuery("SELECT * FROM newsletters WHERE id = :id FOR UPDATE")
                .bind("id", newsletterId)
                .map((rs, ctx) -> new Newsletter(rs.getObject("id", UUID.class), rs.getObject("community_id", UUID.class),
                        rs.getString("community_name"), rs.getString("locale"), rs.getString("subject"),
                        rs.getString("body"), rs.getString("status")))
                .findOne()
                .orElseThrow(() -> new IllegalStateException("newsletter " + newsletterId + " is not stored"));
        if (!"queued".equals(newsletter.status())) {
            LOG.info("Newsletter {} already fanned out ({}), nothing to do", newsletterId, newsletter.status());
            return;
        }
        List<Recipient> audience = handle.createQuery("""
                        SELECT r.email, r.name FROM newsletter_recipients r
                         WHERE r.newsletter_id = :id
                           AND NOT EXISTS (SELECT 1 FROM email_suppressions s WHERE s.email = r.email)
                         ORDER BY r.email
                        """)
                .bind("id", newsletterId)
                .map((rs, ctx) -> new Recipient(rs.getString("email"), rs.getString("name")))
                .list();
        int batches = 0;
        for (int from = 0; from < audience.size(); from += Newsletters.BATCH_SIZE) {
            List<Recipient> chunk = new ArrayList<>(audience.subList(from, Math.min(audience.size(), from + Newsletters.BATCH_SIZE)));
            EmailMessage batch = new EmailMessage(EmailTemplate.NEWSLETTER, newsletter.locale(), chunk,
                    Newsletters.variables(newsletter.communityName(), newsletter.subject(), newsletter.body()),
                    newsletter.communityId(), "newsletter:" + newsletterId + ":" + batches);
            EmailOutbox.enqueue(handle, batch, newsletterId, batches, batches >= Newsletters.WINDOW);
            batches++;
        }
        handle.createUpdate("""
                        UPDATE newsletters SET status = :status, recipients_total = :recipients, batches_total = :batches,
                               fanned_out_at = now()
                         WHERE id = :id
                        """)
                .bind("status", batches == 0 ? "sent" : "sending")
                .bind("recipients", audience.size())
                .bind("batches", batches)
                .bind("id", newsletterId)
                .execute();
        LOG.info("Newsletter {}: {} recipients in {} batches", newsletterId, audience.size(), batches);
    }
}
