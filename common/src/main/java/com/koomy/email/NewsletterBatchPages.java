package com.koomy.email;

import com.koomy.newsletters.Newsletters;

import org.jdbi.v3.core.Handle;

import java.util.UUID;

/**
 * One page of a newsletter's fan-out ({@link FanOutNewsletterJob}), in the caller's transaction: the
 * page's batch emails are written held, in one statement, and the keyset cursor moves in the same commit.
 * A snapshot page reads the segment's memberships; a fan-out page reads {@code newsletter_recipients}
 * (an audience given to {@link Newsletters#enqueue}).
 */
final class NewsletterBatchPages {

    /** The first key of the snapshot pages' advisory locks (the second: the newsletter id's hash). */
    private static final int ADVISORY_LOCK_KIND = 20_20;
    private NewsletterBatchPages() {
    }

    /** A newsletter cancelled while its page was written: the page is rolled back. */
    static final class Stopped extends RuntimeException {
        Stopped(String status) {
            super("the newsletter became " + status + " during the page", null, false, false);
        }
    }

    /**
     * One snapshot page; true when another may follow. The pages of a newsletter are serialized by an
     * advisory lock, not by its row's lock, which is taken only for the last statements: every batch that
     * ends takes that row lock to release the next one, and a row locked for the whole page (0.3-1 s) held
     * the newsletter's own batches back.
     */
    static boolean snapshotPage(Handle handle, UUID id) {
        NewsletterFanOutDao newsletters = handle.attach(NewsletterFanOutDao.class);
        newsletters.advisoryLock(ADVISORY_LOCK_KIND, id.hashCode());
        FanOutProgress n = FanOutProgress.load(handle, id, false);
        if (n.snapshotDone() || !n.sending()) {
            return false;
        }
        NewsletterFanOutDao.SnapshotResult page = newsletters.snapshotPage(new NewsletterFanOutDao.SnapshotPage(id,
                n.communityId(), n.snapshotAfter() == null ? new UUID(0, 0) : n.snapshotAfter(), n.segment(), n.eventId(),
                FanOutNewsletterJob.SNAPSHOT_PAGE, Newsletters.BATCH_SIZE, n.batchesTotal(), EmailTemplate.NEWSLETTER.id(),
                n.locale(), variables(n)));
        long seen = page.seen();
        long kept = page.kept();
        UUID last = seen == 0 ? n.snapshotAfter() : page.last();
        int batches = page.batches();
        requireNewBatches(id, n, batches, page.stored());
        FanOutProgress locked = FanOutProgress.lock(handle, id);
        if (!locked.sending()) {
            throw new Stopped(locked.status()); // cancelled since the page began (only before its first batch)
        }
        boolean done = seen < FanOutNewsletterJob.SNAPSHOT_PAGE;
        newsletters.snapshotMoved(id, last, done, batches, n.batchesTotal() + batches, kept, seen - kept);
        if (batches > 0) {
            Newsletters.release(handle, id);
        }
        return !done;
    }

    /** The cursor and the batches commit together, so fewer new batches than written means a batch number was reused: stop loudly. */
    private static void requireNewBatches(UUID id, FanOutProgress n, int batches, int stored) {
        if (stored != batches) {
            throw new IllegalStateException("newsletter " + id + ": " + stored + " of " + batches
                    + " batches were new after batch " + n.batchesTotal());
        }
    }

    private static String variables(FanOutProgress n) {
        return EmailJson.variables(Newsletters.variables(n.communityName(), n.subject(), n.body()));
    }

    static boolean fanOutPage(Handle handle, UUID id) {
        FanOutProgress n = FanOutProgress.lock(handle, id);
        if (!n.snapshotDone() || !("queued".equals(n.status()) || "sending".equals(n.status()))) {
            return false;
        }
        NewsletterFanOutDao newsletters = handle.attach(NewsletterFanOutDao.class);
        NewsletterFanOutDao.FanOutResult page = newsletters.fanOutPage(new NewsletterFanOutDao.FanOutPage(id, n.communityId(),
                n.fanoutAfter() == null ? "" : n.fanoutAfter(), Newsletters.BATCH_SIZE, FanOutNewsletterJob.FANOUT_PAGE,
                n.batchesTotal(), EmailTemplate.NEWSLETTER.id(), n.locale(), variables(n)));
        int batches = page.batches();
        if (batches == 0) {
            return false;
        }
        requireNewBatches(id, n, batches, page.stored());
        newsletters.fanOutMoved(id, page.last(), n.batchesTotal() + batches, page.recipients());
        Newsletters.release(handle, id);
        return page.recipients() == FanOutNewsletterJob.FANOUT_PAGE;
    }
}
