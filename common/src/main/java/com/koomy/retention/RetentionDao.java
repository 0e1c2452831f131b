package com.koomy.retention;

import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;

/**
 * One batch of each table family's retention: a single statement (one short transaction in autocommit) that
 * picks at most {@code limit} rows by an index, oldest first, skipping rows another transaction holds
 * ({@code SKIP LOCKED}: never waits behind a writer), and deletes or purges them. docs/operations.md,
 * "Data retention", says why each condition is what it is.
 */
public interface RetentionDao {

    /**
     * Settled events, settled and created (by Stripe) before the cutoff: Stripe no longer redelivers them or
     * lists them in its Events API, so their event_id is not needed for dedupe. {@code failed} events stay
     * until an operator replays them; {@code received}/{@code processing} ones are still being applied.
     * Found through {@code (status, received_at)}: received before the cutoff, since received precedes settled.
     */
    @SqlUpdate("""
            DELETE FROM stripe_events
             WHERE event_id IN (SELECT event_id FROM stripe_events
                                 WHERE status IN ('processed', 'ignored', 'refused')
                                   AND received_at < :cutoff AND processed_at < :cutoff AND stripe_created < :cutoff
                                 LIMIT :limit
                                   FOR UPDATE SKIP LOCKED)
            """)
    int deleteSettledStripeEvents(@Bind("cutoff") Instant cutoff, @Bind("limit") int limit);

    /**
     * SendGrid events received before the cutoff, counted into {@code sendgrid_event_counts} by the same
     * statement that deletes them: the counters grow by exactly the rows removed, or neither happens. An event
     * a suppression names stays (a group resubscribe compares its group and time with it).
     */
    @SqlQuery("""
            WITH gone AS (
                DELETE FROM sendgrid_events
                 WHERE sg_event_id IN (SELECT g.sg_event_id FROM sendgrid_events g
                                        WHERE g.received_at < :cutoff
                                          AND NOT EXISTS (SELECT 1 FROM email_suppressions s WHERE s.sg_event_id = g.sg_event_id)
                                        ORDER BY g.received_at
                                        LIMIT :limit
                                          FOR UPDATE SKIP LOCKED)
                RETURNING koomy_key, event, occurred_at),
            -- PostgreSQL runs a data-modifying WITH to completion whether or not the main query reads it.
            counted AS (
                INSERT INTO sendgrid_event_counts AS c (koomy_key, event, events, first_at, last_at)
                SELECT coalesce(koomy_key, ''), event, count(*), min(occurred_at), max(occurred_at)
                  FROM gone GROUP BY 1, 2
                ON CONFLICT (koomy_key, event) DO UPDATE
                   SET events = c.events + excluded.events, first_at = least(c.first_at, excluded.first_at),
                       last_at = greatest(c.last_at, excluded.last_at), updated_at = now()
                RETURNING 1)
            SELECT count(*) FROM gone
            """)
    int countAndDeleteSendGridEvents(@Bind("cutoff") Instant cutoff, @Bind("limit") int limit);

    /**
     * Ids in sendgrid_event_ids (the dedupe of a partitioned sendgrid_events, V36) received before the cutoff whose
     * event is gone: dropped with its month, deleted above, or erased. An event still stored keeps its id, so
     * dedupe stays exact for every stored event.
     */
    @SqlUpdate("""
            DELETE FROM sendgrid_event_ids
             WHERE sg_event_id IN (SELECT i.sg_event_id FROM sendgrid_event_ids i
                                    WHERE i.received_at < :cutoff
                                      AND NOT EXISTS (SELECT 1 FROM sendgrid_events g
                                                       WHERE g.sg_event_id = i.sg_event_id AND g.received_at = i.received_at)
                                    ORDER BY i.received_at
                                    LIMIT :limit
                                      FOR UPDATE SKIP LOCKED)
            """)
    int forgetSendGridEventIds(@Bind("cutoff") Instant cutoff, @Bind("limit") int limit);

    /** Rendered bodies of settled emails created before the cutoff; the row, its subject and its status stay. */
    @SqlUpdate("""
            UPDATE emails SET html_body = NULL, text_body = NULL, bodies_purged_at = now()
             WHERE id IN (SELECT id FROM emails
                           WHERE (html_body IS NOT NULL OR text_body IS NOT NULL) AND created_at < :cutoff
                             AND status IN ('sent', 'failed', 'suppressed')
                           ORDER BY created_at
                           LIMIT :limit
                             FOR UPDATE SKIP LOCKED)
            """)
    int purgeEmailBodies(@Bind("cutoff") Instant cutoff, @Bind("limit") int limit);

    /**
     * Addresses and template variables of settled emails created before the cutoff, once their bodies are gone:
     * each recipient (and suppressed) entry becomes {@code {}}, so the lists keep their length (a newsletter's
     * "suppressed at send" sums them); variables and the provider's last error (it quotes addresses) are emptied.
     * The row, template, subject, status, provider id and idempotency key (SendGrid counters) stay.
     */
    @SqlUpdate("""
            UPDATE emails e SET recipients = (SELECT coalesce(jsonb_agg('{}'::jsonb), '[]') FROM jsonb_array_elements(e.recipients)),
                   suppressed = CASE WHEN jsonb_typeof(e.suppressed) = 'array'
                                     THEN (SELECT coalesce(jsonb_agg('{}'::jsonb), '[]') FROM jsonb_array_elements(e.suppressed))
                                     ELSE e.suppressed END,
                   variables = '{}'::jsonb, last_error = NULL, addresses_purged_at = now()
             WHERE id IN (SELECT id FROM emails
                           WHERE addresses_purged_at IS NULL AND created_at < :cutoff
                             AND status IN ('sent', 'failed', 'suppressed') AND html_body IS NULL AND text_body IS NULL
                           ORDER BY created_at
                           LIMIT :limit
                             FOR UPDATE SKIP LOCKED)
            """)
    int purgeEmailAddresses(@Bind("cutoff") Instant cutoff, @Bind("limit") int limit);

    /** Tokens that expired, or were used, before the cutoff: no link can use them any more. */
    @SqlUpdate("""
            DELETE FROM account_tokens
             WHERE token_hash IN (SELECT token_hash FROM account_tokens
                                   WHERE expires_at < :cutoff OR used_at < :cutoff
                                   LIMIT :limit
                                     FOR UPDATE SKIP LOCKED)
            """)
    int deleteSpentAccountTokens(@Bind("cutoff") Instant cutoff, @Bind("limit") int limit);

    /** Scans of events that ended before the cutoff (the event, its tickets and admissions stay). */
    @SqlUpdate("""
            DELETE FROM checkin_scans
             WHERE ctid = ANY(ARRAY(SELECT s.ctid FROM events e JOIN checkin_scans s ON s.event_id = e.id
                                     WHERE e.ends_at < :cutoff
                                     LIMIT :limit
                                       FOR UPDATE OF s SKIP LOCKED))
            """)
    int deleteScansOfPastEvents(@Bind("cutoff") Instant cutoff, @Bind("limit") int limit);

    /**
     * The audience lists of newsletters sent (or cancelled) before the cutoff. Only the fan-out reads them, and
     * it is over; the newsletter's figures are columns of its row and counts over its batch emails and SendGrid
     * events (NewsletterRows), none of them over this table, so they read the same afterwards.
     */
    @SqlUpdate("""
            DELETE FROM newsletter_recipients
             WHERE ctid = ANY(ARRAY(SELECT r.ctid FROM newsletters n JOIN newsletter_recipients r ON r.newsletter_id = n.id
                                     WHERE (n.status = 'sent' AND coalesce(n.sent_at, n.fanned_out_at, n.created_at) < :cutoff)
                                        OR (n.status = 'cancelled' AND coalesce(n.cancelled_at, n.updated_at) < :cutoff)
                                     LIMIT :limit
                                       FOR UPDATE OF r SKIP LOCKED))
            """)
    int deleteRecipientsOfSentNewsletters(@Bind("cutoff") Instant cutoff, @Bind("limit") int limit);

    /**
     * "Export my data" rows, with the archive they may still hold, whose last step (request, build, download)
     * came before the cutoff. A pending one stays (its job has not built it yet).
     */
    @SqlUpdate("""
            DELETE FROM account_exports
             WHERE id IN (SELECT id FROM account_exports
                           WHERE status IN ('ready', 'downloaded', 'expired')
                             AND greatest(requested_at, ready_at, downloaded_at) < :cutoff
                           LIMIT :limit
                             FOR UPDATE SKIP LOCKED)
            """)
    int deleteOldAccountExports(@Bind("cutoff") Instant cutoff, @Bind("limit") int limit);

    /**
     * Payments whose last fact (creation, payment, refund, void, update; any refund's or receipt's own dates) fell
     * in a calendar year (UTC, the receipts' numbering year) that ended before the cutoff; their receipts, refunds
     * and dues extensions go with them (ON DELETE CASCADE on payment_id). Oldest first through
     * {@code payments_created_idx}: a payment is never younger than its creation.
     */
    @SqlUpdate("""
            DELETE FROM payments
             WHERE id IN (SELECT p.id FROM payments p
                           WHERE p.created_at < :cutoff
                             AND date_trunc('year', greatest(p.created_at, p.paid_at, p.refunded_at, p.voided_at, p.updated_at,
                                     (SELECT max(greatest(f.created_at, f.updated_at)) FROM payment_refunds f WHERE f.payment_id = p.id),
                                     (SELECT greatest(r.issued_at, r.voided_at) FROM receipts r WHERE r.payment_id = p.id)), 'UTC')
                                 + interval '1 year' <= :cutoff
                           ORDER BY p.created_at
                           LIMIT :limit
                             FOR UPDATE SKIP LOCKED)
            """)
    int deletePaymentsPastTheirRecordKeeping(@Bind("cutoff") Instant cutoff, @Bind("limit") int limit);
}
