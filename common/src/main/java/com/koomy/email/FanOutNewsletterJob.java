package com.koomy.email;

import com.koomy.newsletters.Newsletters;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.jobs.lambdas.JobRequestHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.UUID;

/**
 * Sends a queued newsletter in short transactions, everything inside PostgreSQL. A newsletter to a
 * segment takes one pass over its audience: each transaction reads {@value #SNAPSHOT_PAGE} of the
 * segment's memberships (account-id order), leaves out the addresses unsubscribed from this community or
 * suppressed, and in the same statement cuts the rest into batch emails of at most
 * {@link Newsletters#BATCH_SIZE} recipients ({@code jsonb_agg}, {@code INSERT ... SELECT}): the batches are
 * the snapshot, and the first ones are on their way while the rest of the audience is still being read.
 * (Two passes, the audience copied into {@code newsletter_recipients} and then that copy read again sorted
 * by address, kept the sink idle for the copy's duration: 13,000 recipients/s at a million, measured.) An
 * audience given to {@link Newsletters#enqueue} (and a snapshot complete before that change,
 * {@code batched_in_snapshot} false) is still cut by the fan-out pass over {@code newsletter_recipients},
 * {@value #FANOUT_PAGE} recipients per transaction in address order.
 * <p>
 * Each transaction writes its page and moves its keyset cursor ({@code snapshot_after},
 * {@code fanout_after}) in the same commit: a worker killed at any point leaves a cursor that says exactly
 * what exists, and the job's retry continues from it (no recipient twice, none skipped; batch idempotency
 * keys {@code newsletter:<id>:<n>} guard the rest). Memory does not grow with the audience. Batches are
 * written held and released {@link Newsletters#WINDOW} at a time. A newsletter cancelled during a page
 * stops there (the page is rolled back).
 */
public class FanOutNewsletterJob implements JobRequestHandler<FanOutNewsletter> {

    private static final Logger LOG = LoggerFactory.getLogger(FanOutNewsletterJob.class);
    static final int SNAPSHOT_PAGE = 5_000;
    static final int FANOUT_PAGE = 10 * Newsletters.BATCH_SIZE;

    private final Jdbi jdbi;

    public FanOutNewsletterJob(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public void run(FanOutNewsletter request) {
        UUID id = request.newsletterId();
        if (!jdbi.inTransaction(h -> start(h, id))) {
            return;
        }
        long started = System.nanoTime();
        while (nextSnapshotPage(id)) {
            // one page per transaction
        }
        if (!jdbi.withHandle(h -> FanOutProgress.lock(h, id)).batchedInSnapshot()) {
            analyzeSnapshot();
            while (jdbi.inTransaction(h -> NewsletterBatchPages.fanOutPage(h, id))) {
                // one page per transaction
            }
        }
        jdbi.useTransaction(h -> finish(h, id));
        LOG.info("Newsletter {} fanned out in {} ms", id, (System.nanoTime() - started) / 1_000_000);
    }

    /** A scheduled newsletter whose time has come becomes queued; false when there is nothing to do. */
    private boolean start(Handle handle, UUID id) {
        FanOutProgress n = FanOutProgress.lock(handle, id);
        if ("scheduled".equals(n.status())) {
            if (n.sendAt() != null && n.sendAt().isAfter(Instant.now().plusSeconds(1))) {
                LOG.info("Newsletter {} is scheduled for {}, not now: this job is stale", id, n.sendAt());
                return false;
            }
            handle.attach(NewsletterFanOutDao.class).markQueued(id);
            return true;
        }
        if (!"queued".equals(n.status()) && !("sending".equals(n.status()) && !n.fannedOut())) {
            LOG.info("Newsletter {} is {}, nothing to fan out", id, n.status());
            return false;
        }
        return true;
    }

    /**
     * The snapshot (of a given audience) just grew by up to the whole audience: without fresh statistics the fan-out's first
     * pages were planned for an empty table (2-4 s each at a million recipients until autovacuum's own
     * ANALYZE ran, measured). A failure here only costs speed.
     */
    private void analyzeSnapshot() {
        try {
            jdbi.useHandle(h -> h.attach(NewsletterFanOutDao.class).analyzeRecipients());
        } catch (RuntimeException e) {
            LOG.warn("ANALYZE newsletter_recipients failed ({}); the fan-out goes on with older statistics", e.toString());
        }
    }

    private boolean nextSnapshotPage(UUID id) {
        try {
            return jdbi.inTransaction(h -> NewsletterBatchPages.snapshotPage(h, id));
        } catch (NewsletterBatchPages.Stopped e) {
            LOG.info("Newsletter {}: {}; its page is not written", id, e.getMessage());
            return false;
        }
    }

    private void finish(Handle handle, UUID id) {
        FanOutProgress n = FanOutProgress.lock(handle, id);
        if (!n.snapshotDone() || "cancelled".equals(n.status()) || "sent".equals(n.status())) {
            return;
        }
        // Every batch may already be settled (a fast sink): then the newsletter is sent now.
        handle.attach(NewsletterFanOutDao.class).markFannedOut(id);
        Newsletters.release(handle, id);
        LOG.info("Newsletter {}: {} batches", id, handle.attach(NewsletterFanOutDao.class).batchesTotal(id));
    }
}
