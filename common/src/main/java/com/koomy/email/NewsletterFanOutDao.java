package com.koomy.email;

import com.koomy.newsletters.NewsletterSegment;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.jdbi.v3.sqlobject.statement.UseRowMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/**
 * A newsletter's fan-out ({@link FanOutNewsletterJob}, {@link NewsletterBatchPages}): its row's progress, and the
 * pages that write its batch emails held, in one statement each.
 */
public interface NewsletterFanOutDao {

    /** The CTE that stores CTE {@code batches} (chunk, recipients) as held batch emails numbered from {@code :firstBatch}. */
    String STORE_BATCHES = """
            stored AS (
                INSERT INTO emails (id, idempotency_key, community_id, template, locale, recipients, variables,
                                    bulk, newsletter_id, batch_no, held)
                SELECT gen_random_uuid(), 'newsletter:' || :id || ':' || (:firstBatch + chunk), :communityId,
                       :template, :locale, recipients, CAST(:variables AS jsonb), true, :id,
                       :firstBatch + chunk, true
                  FROM batches
                ON CONFLICT (idempotency_key) DO NOTHING
                RETURNING 1)""";

    /** What a snapshot page binds: the segment's members after {@code after}, {@code size} of them. */
    record SnapshotPage(UUID id, UUID communityId, UUID after, String segment, UUID eventId, int size, int batchSize,
                        int firstBatch, String template, String locale, String variables) {
    }

    /** What a fan-out page binds: the given audience's addresses after {@code after}, {@code size} of them. */
    record FanOutPage(UUID id, UUID communityId, String after, int batchSize, int size, int firstBatch, String template,
                      String locale, String variables) {
    }

    /** A snapshot page's outcome: members seen, kept (not suppressed), the last one, batches made and stored. */
    record SnapshotResult(long seen, long kept, UUID last, int batches, int stored) {
    }

    /** A fan-out page's outcome: batches made, their recipients, the last address, batches stored. */
    record FanOutResult(int batches, int recipients, String last, int stored) {
    }

    @SqlQuery("SELECT * FROM newsletters WHERE id = :id")
    @UseRowMapper(ProgressMapper.class)
    Optional<FanOutProgress> find(@Bind("id") UUID id);

    /** NO KEY UPDATE: Newsletters.afterBatch says why. */
    @SqlQuery("SELECT * FROM newsletters WHERE id = :id FOR NO KEY UPDATE")
    @UseRowMapper(ProgressMapper.class)
    Optional<FanOutProgress> lock(@Bind("id") UUID id);

    /** Serializes a newsletter's snapshot pages until the transaction ends. */
    @SqlQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(:kind, :key)) l")
    int advisoryLock(@Bind("kind") int kind, @Bind("key") int key);

    @SqlQuery("""
            WITH members AS (
                SELECT m.account_id FROM memberships m
                 WHERE m.community_id = :communityId AND m.account_id > CAST(:after AS uuid)
                   AND\s"""
            + NewsletterSegment.PREDICATE
            + "\n" + """
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
            """
            + STORE_BATCHES
            + "\n" + """
            SELECT (SELECT count(*) FROM page) AS seen, (SELECT count(*) FROM kept) AS kept,
                   (SELECT account_id FROM page ORDER BY account_id DESC LIMIT 1) AS last,
                   (SELECT count(*) FROM batches) AS batches, (SELECT count(*) FROM stored) AS stored
            """)
    @RegisterConstructorMapper(SnapshotResult.class)
    SnapshotResult snapshotPage(@BindMethods SnapshotPage page);

    @SqlQuery("""
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
            """
            + STORE_BATCHES
            + "\n" + """
            SELECT (SELECT count(*) FROM batches) AS batches, (SELECT coalesce(sum(n), 0) FROM batches) AS recipients,
                   (SELECT max(last) FROM batches) AS last, (SELECT count(*) FROM stored) AS stored
            """)
    @RegisterConstructorMapper(FanOutResult.class)
    FanOutResult fanOutPage(@BindMethods FanOutPage page);

    @SqlUpdate("""
            UPDATE newsletters SET snapshot_after = :last, snapshot_done = :done, batched_in_snapshot = true,
                   status = CASE WHEN :batches > 0 THEN 'sending' ELSE status END,
                   batches_total = :batchesTotal, recipients_total = coalesce(recipients_total, 0) + :kept,
                   recipients_suppressed = recipients_suppressed + :left, updated_at = now()
             WHERE id = :id
            """)
    void snapshotMoved(@Bind("id") UUID id, @Bind("last") UUID last, @Bind("done") boolean done, @Bind("batches") int batches,
                       @Bind("batchesTotal") int batchesTotal, @Bind("kept") long kept, @Bind("left") long left);

    @SqlUpdate("""
            UPDATE newsletters SET status = 'sending', fanout_after = :last, batches_total = :batches,
                   recipients_total = coalesce(recipients_total, 0) + :recipients, updated_at = now()
             WHERE id = :id
            """)
    void fanOutMoved(@Bind("id") UUID id, @Bind("last") String last, @Bind("batches") int batches,
                     @Bind("recipients") int recipients);

    @SqlUpdate("UPDATE newsletters SET status = 'queued', updated_at = now() WHERE id = :id")
    void markQueued(@Bind("id") UUID id);

    /** Fanned out: sent when every batch is settled already, else sending. */
    @SqlUpdate("""
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
    void markFannedOut(@Bind("id") UUID id);

    @SqlQuery("SELECT batches_total FROM newsletters WHERE id = :id")
    Integer batchesTotal(@Bind("id") UUID id);

    /** Fresh statistics for the snapshot's table: a command, not data (FanOutNewsletterJob says why). */
    @SqlUpdate("ANALYZE newsletter_recipients")
    void analyzeRecipients();

    class ProgressMapper implements RowMapper<FanOutProgress> {
        @Override
        public FanOutProgress map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new FanOutProgress(rs.getObject("id", UUID.class), rs.getObject("community_id", UUID.class),
                    rs.getString("community_name"), rs.getString("locale"), rs.getString("subject"),
                    rs.getString("body"), rs.getString("status"), rs.getString("segment"),
                    rs.getObject("event_id", UUID.class),
                    rs.getTimestamp("send_at") == null ? null : rs.getTimestamp("send_at").toInstant(),
                    rs.getBoolean("snapshot_done"), rs.getObject("snapshot_after", UUID.class),
                    rs.getString("fanout_after"), rs.getInt("batches_total"), rs.getBoolean("batched_in_snapshot"),
                    rs.getTimestamp("fanned_out_at") != null);
        }
    }
}
