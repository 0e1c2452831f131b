package com.koomy.email;

import com.koomy.newsletters.NewsletterSegment;
import com.koomy.newsletters.Newsletters;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.jobs.lambdas.JobRequestHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Optional;
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
    /** The first key of this job's advisory locks (the second: the newsletter id's hash). */
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

    private final Jdbi jdbi;

    public FanOutNewsletterJob(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    private record Newsletter(UUID id, UUID communityId, String communityName, String locale, String subject,
                              String body, String status, String segment, UUID eventId, Instant sendAt,
                              boolean snapshotDone, UUID snapshotAfter, String fanoutAfter, int batchesTotal,
                              boolean batchedInSnapshot, boolean fannedOut) {
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
        if (!jdbi.withHandle(h -> lock(h, id)).batchedInSnapshot()) {
            analyzeSnapshot();
            while (jdbi.inTransaction(h -> fanOutPage(h, id))) {
                // one page per transaction
            }
        }
        jdbi.useTransaction(h -> finish(h, id));
        LOG.info("Newsletter {} fanned out in {} ms", id, (System.nanoTime() - started) / 1_000_000);
    }

    /** A scheduled newsletter whose time has come becomes queued; false when there is nothing to do. */
    private boolean start(Handle handle, UUID id) {
        Newsletter n = lock(handle, id);
        if ("scheduled".equals(n.status())) {
            if (n.sendAt() != null && n.sendAt().isAfter(Instant.now().plusSeconds(1))) {
                LOG.info("Newsletter {} is scheduled for {}, not now: this job is stale", id, n.sendAt());
                return false;
            }
            handle.createUpdate("UPDATE newsletters SET status = 'queued', updated_at = now() WHERE id = :id")
                    .bind("id", id).execute();
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
            jdbi.useHandle(h -> h.execute("ANALYZE newsletter_recipients"));
        } catch (RuntimeException e) {
            LOG.warn("ANALYZE newsletter_recipients failed ({}); the fan-out goes on with older statistics", e.toString());
        }
    }

    /** A newsletter cancelled while its page was written: the page is rolled back. */
    private static final class Stopped extends RuntimeException {
        Stopped(String status) {
            super("the newsletter became " + status + " during the page", null, false, false);
        }
    }

    private boolean nextSnapshotPage(UUID id) {
        try {
            return jdbi.inTransaction(h -> snapshotPage(h, id));
        } catch (Stopped e) {
            LOG.info("Newsletter {}: {}; its page is not written", id, e.getMessage());
            return false;
        }
    }

    /**
     * One page. The pages of a newsletter are serialized by an advisory lock, not by its row's lock, which
     * is taken only for the last statements: every batch that ends takes that row lock to release the
     * next one, and a row locked for the whole page (0.3-1 s) held the newsletter's own batches back.
     */
    private boolean snapshotPage(Handle handle, UUID id) {
        handle.createQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(:kind, :key)) l")
                .bind("kind", ADVISORY_LOCK_KIND).bind("key", id.hashCode()).mapTo(Integer.class).one();
        Newsletter n = load(handle, id, false);
        if (n.snapshotDone() || !sending(n)) {
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
                .bind("size", SNAPSHOT_PAGE)
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
        Newsletter locked = lock(handle, id);
        if (!sending(locked)) {
            throw new Stopped(locked.status()); // cancelled since the page began (only before its first batch)
        }
        boolean done = seen < SNAPSHOT_PAGE;
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
    private static void requireNewBatches(UUID id, Newsletter n, int batches, int stored) {
        if (stored != batches) {
            throw new IllegalStateException("newsletter " + id + ": " + stored + " of " + batches
                    + " batches were new after batch " + n.batchesTotal());
        }
    }

    private static String variables(Newsletter n) {
        return EmailJson.variables(Newsletters.variables(n.communityName(), n.subject(), n.body()));
    }

    private boolean fanOutPage(Handle handle, UUID id) {
        Newsletter n = lock(handle, id);
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
                .bind("size", FANOUT_PAGE)
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
        return (Integer) page[1] == FANOUT_PAGE;
    }

    private void finish(Handle handle, UUID id) {
        Newsletter n = lock(handle, id);
        if (!n.snapshotDone() || "cancelled".equals(n.status()) || "sent".equals(n.status())) {
            return;
        }
        // Every batch may already be settled (a fast sink): then the newsletter is sent now.
        handle.createUpdate("""
                        UPDATE newsletters SET fanned_out_at = coalesce(fanned_out_at, now()),
                               recipients_total = coalesce(recipients_total, 0), batches_total = coalesce(batches_total, 0),
                               status = CASE WHEN NOT EXISTS (SELECT 1 FROM emails WHERE newsletter_id = :id
                                                                AND status IN ('queued', 'sending'))
                                             THEN 'sent' ELSE 'sending' END,
                               sent_at = CASE WHEN NOT EXISTS (SELECT 1 FROM emails WHERE newsletter_id = :id
                                                                AND status IN ('queued', 'sending'))
                                              THEN coalesce(sent_at, now()) END,
                               updated_at = now()
                         WHERE id = :id
                        """)
                .bind("id", id).execute();
        Newsletters.release(handle, id);
        LOG.info("Newsletter {}: {} batches", id, handle.createQuery("SELECT batches_total FROM newsletters WHERE id = :id")
                .bind("id", id).mapTo(Integer.class).one());
    }

    private static boolean sending(Newsletter n) {
        return "queued".equals(n.status()) || "sending".equals(n.status());
    }

    private static Newsletter lock(Handle handle, UUID id) {
        return load(handle, id, true);
    }

    private static Newsletter load(Handle handle, UUID id, boolean forUpdate) {
        Optional<Newsletter> found = handle.createQuery("SELECT * FROM newsletters WHERE id = :id" + (forUpdate ? " FOR NO KEY UPDATE" : ""))
                .bind("id", id)
                .map((rs, ctx) -> new Newsletter(rs.getObject("id", UUID.class), rs.getObject("community_id", UUID.class),
                        rs.getString("community_name"), rs.getString("locale"), rs.getString("subject"),
                        rs.getString("body"), rs.getString("status"), rs.getString("segment"),
                        rs.getObject("event_id", UUID.class),
                        rs.getTimestamp("send_at") == null ? null : rs.getTimestamp("send_at").toInstant(),
                        rs.getBoolean("snapshot_done"), rs.getObject("snapshot_after", UUID.class),
                        rs.getString("fanout_after"), rs.getInt("batches_total"), rs.getBoolean("batched_in_snapshot"),
                        rs.getTimestamp("fanned_out_at") != null))
                .findOne();
        return found.orElseThrow(() -> new IllegalStateException("newsletter " + id + " is not stored"));
    }
}
