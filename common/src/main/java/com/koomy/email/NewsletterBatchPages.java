package com.koomy.email;

import com.koomy.newsletters.NewsletterSegment;
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
    /** The CTE that stores CTE {@code batches} (chunk, recipients) as held batch emails numbered from {@code :firstBatch}. */
    private static final String STORE_BATCHES = """
            stored AS (
                INSERT INTO emails (id, idempotency_key, community_id, template, locale, recipients, variables,
                                    bulk, newsletter_id, batch_no, held)
                SELECT gen_random_uuid(), 'newsletter:' || :id || ':' || (:firstBatch + chunk), :communityId,
                       :template, :locale, recipients, CAST(:variables AS jsonb), true, :id,
                       :firstBatch + chunk, true
                  FROM batches
                ON CONFLICT (idempotency_key) DO NOTHING
                RETURNING 1)""";

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
        handle.createQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(:kind, :key)) l")
                .bind("kind", ADVISORY_LOCK_KIND).bind("key", id.hashCode()).mapTo(Integer.class).one();
        FanOutProgress n = FanOutProgress.load(handle, id, false);
        if (n.snapshotDone() || !n.sending()) {
            return false;
        }
        var page = handle.createQuery("""
                        WITH members AS (
                            SELECT m.account_id FROM memberships m
                             WHERE m.community_id = :communityId AND m.account_id > CAST(:after AS uuid)
                               AND %s
                             ORDER BY m.account_id
                             LIMIT :size),
                        -- The page's accounts looked up by id: a join planned over both tables would scan
                        -- accounts from the start on every page (1.7 s a page at 700,000 in, measured).
                        page AS (
                            SELECT p.account_id, a.email, a.name
                              FROM members p CROSS JOIN LATERAL (SELECT email, name FROM accounts WHERE id = p.account_id) a),
                        -- No copy in newsletter_recipients: the batches are the snapshot (an address is one
                        -- account's, so one page per transaction with its cursor is all the deduplication needed).
                        kept AS (
                            SELECT p.email, p.name FROM page p
                             WHERE NOT EXISTS (SELECT 1 FROM email_suppressions s WHERE s.email = p.email)
                               AND NOT EXISTS (SELECT 1 FROM newsletter_unsubscribes u
                                                WHERE u.community_id = :communityId AND u.email = p.email)),
                        batches AS (
                            SELECT chunk, count(*) AS n,
                                   jsonb_agg(jsonb_strip_nulls(jsonb_build_object('email', email, 'name', name))
                                             ORDER BY email) AS recipients
                              FROM (SELECT email, name, (row_number() OVER (ORDER BY email) - 1) / :batchSize AS chunk
                                      FROM kept) k
                             GROUP BY chunk),
                        %s
                        SELECT (SELECT count(*) FROM page) AS seen, (SELECT count(*) FROM kept) AS kept,
                               (SELECT account_id FROM page ORDER BY account_id DESC LIMIT 1) AS last,
                               (SELECT count(*) FROM batches) AS batches, (SELECT count(*) FROM stored) AS stored
                        """.formatted(NewsletterSegment.PREDICATE, STORE_BATCHES))
                .bind("id", id)
                .bind("communityId", n.communityId())
                .bind("after", n.snapshotAfter() == null ? new UUID(0, 0) : n.snapshotAfter())
                .bind("segment", n.segment())
                .bind("eventId", n.eventId())
                .bind("size", FanOutNewsletterJob.SNAPSHOT_PAGE)
                .bind("batchSize", Newsletters.BATCH_SIZE)
                .bind("firstBatch", n.batchesTotal())
                .bind("template", EmailTemplate.NEWSLETTER.id())
                .bind("locale", n.locale())
                .bind("variables", variables(n))
                .map((rs, ctx) -> new Object[]{rs.getLong("seen"), rs.getLong("kept"), rs.getObject("last", UUID.class),
                        rs.getInt("batches"), rs.getInt("stored")})
                .one();
        long seen = (Long) page[0];
        long kept = (Long) page[1];
        UUID last = seen == 0 ? n.snapshotAfter() : (UUID) page[2];
        int batches = (Integer) page[3];
        requireNewBatches(id, n, batches, (Integer) page[4]);
        FanOutProgress locked = FanOutProgress.lock(handle, id);
        if (!locked.sending()) {
            throw new Stopped(locked.status()); // cancelled since the page began (only before its first batch)
        }
        boolean done = seen < FanOutNewsletterJob.SNAPSHOT_PAGE;
        handle.createUpdate("""
                        UPDATE newsletters SET snapshot_after = :last, snapshot_done = :done, batched_in_snapshot = true,
                               status = CASE WHEN :batches > 0 THEN 'sending' ELSE status END,
                               batches_total = :batchesTotal, recipients_total = coalesce(recipients_total, 0) + :kept,
                               recipients_suppressed = recipients_suppressed + :left, updated_at = now()
                         WHERE id = :id
                        """)
                .bind("last", last).bind("done", done).bind("batches", batches)
                .bind("batchesTotal", n.batchesTotal() + batches).bind("kept", kept)
                .bind("left", seen - kept).bind("id", id).execute();
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
        var page = handle.createQuery("""
                        WITH page AS (
                            SELECT r.email, r.name,
                                   (row_number() OVER (ORDER BY r.email) - 1) / :batchSize AS chunk
                              FROM (SELECT email, name FROM newsletter_recipients r
                                     WHERE r.newsletter_id = :id AND r.email > :after
                                       AND NOT EXISTS (SELECT 1 FROM email_suppressions s WHERE s.email = r.email)
                                       AND NOT EXISTS (SELECT 1 FROM newsletter_unsubscribes u
                                                        WHERE u.community_id = :communityId AND u.email = r.email)
                                     ORDER BY r.email
                                     LIMIT :size) r),
                        batches AS (
                            SELECT chunk, count(*) AS n, max(email) AS last,
                                   jsonb_agg(jsonb_strip_nulls(jsonb_build_object('email', email, 'name', name))
                                             ORDER BY email) AS recipients
                              FROM page GROUP BY chunk),
                        %s
                        SELECT (SELECT count(*) FROM batches) AS batches, (SELECT coalesce(sum(n), 0) FROM batches) AS recipients,
                               (SELECT max(last) FROM batches) AS last, (SELECT count(*) FROM stored) AS stored
                        """.formatted(STORE_BATCHES))
                .bind("id", id)
                .bind("communityId", n.communityId())
                .bind("after", n.fanoutAfter() == null ? "" : n.fanoutAfter())
                .bind("batchSize", Newsletters.BATCH_SIZE)
                .bind("size", FanOutNewsletterJob.FANOUT_PAGE)
                .bind("firstBatch", n.batchesTotal())
                .bind("template", EmailTemplate.NEWSLETTER.id())
                .bind("locale", n.locale())
                .bind("variables", variables(n))
                .map((rs, ctx) -> new Object[]{rs.getInt("batches"), rs.getInt("recipients"), rs.getString("last"),
                        rs.getInt("stored")})
                .one();
        int batches = (Integer) page[0];
        if (batches == 0) {
            return false;
        }
        requireNewBatches(id, n, batches, (Integer) page[3]);
        handle.createUpdate("""
                        UPDATE newsletters SET status = 'sending', fanout_after = :last, batches_total = :batches,
                               recipients_total = coalesce(recipients_total, 0) + :recipients, updated_at = now()
                         WHERE id = :id
                        """)
                .bind("last", (String) page[2]).bind("batches", n.batchesTotal() + batches)
                .bind("recipients", (Integer) page[1]).bind("id", id).execute();
        Newsletters.release(handle, id);
        return (Integer) page[1] == FanOutNewsletterJob.FANOUT_PAGE;
    }
}
