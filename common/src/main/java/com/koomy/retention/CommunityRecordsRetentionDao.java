package com.koomy.retention;

import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;

/**
 * One batch of the retention of rows a community's life leaves behind once they have served: checkouts never
 * paid, decided membership requests, spent invitations, past days of the AI budget. Same shape as
 * {@link RetentionDao}: one statement, at most {@code limit} rows found through an index (V40), oldest first,
 * {@code SKIP LOCKED}. docs/operations.md, "Data retention", says why each condition is what it is.
 */
public interface CommunityRecordsRetentionDao {

    /**
     * Checkouts created before the cutoff that no payment names (a paid one stays with its payment, which
     * references it) and that no unsettled Stripe event names (a failed event replayed later still finds it).
     */
    @SqlUpdate("""
            DELETE FROM dues_checkouts
             WHERE id IN (SELECT c.id FROM dues_checkouts c
                           WHERE c.created_at < :cutoff
                             AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.checkout_id = c.id)
                             AND NOT EXISTS (SELECT 1 FROM stripe_events s
                                              WHERE s.status IN ('received', 'processing', 'failed')
                                                AND strpos(s.payload::text, CAST(c.id AS text)) > 0)
                           ORDER BY c.created_at
                           LIMIT :limit
                             FOR UPDATE OF c SKIP LOCKED)
            """)
    int deleteUnpaidCheckouts(@Bind("cutoff") Instant cutoff, @Bind("limit") int limit);

    /** Requests approved, refused or withdrawn before the cutoff; pending ones have no decision and stay. */
    @SqlUpdate("""
            DELETE FROM membership_requests
             WHERE id IN (SELECT id FROM membership_requests
                           WHERE status <> 'pending' AND decided_at < :cutoff
                           ORDER BY decided_at
                           LIMIT :limit
                             FOR UPDATE SKIP LOCKED)
            """)
    int deleteDecidedMembershipRequests(@Bind("cutoff") Instant cutoff, @Bind("limit") int limit);

    /** Invitations accepted before the cutoff, and those never accepted that expired before it. */
    @SqlUpdate("""
            DELETE FROM invitations
             WHERE token_hash IN (SELECT token_hash FROM invitations
                                   WHERE (accepted_at IS NULL AND expires_at < :cutoff) OR accepted_at < :cutoff
                                   LIMIT :limit
                                     FOR UPDATE SKIP LOCKED)
            """)
    int deleteSpentInvitations(@Bind("cutoff") Instant cutoff, @Bind("limit") int limit);

    /** AI budget days (UTC) that ended before the cutoff: only today's row enforces the budget. */
    @SqlUpdate("""
            DELETE FROM content_budget_usage
             WHERE (community_id, day) IN (SELECT community_id, day FROM content_budget_usage
                                            WHERE day < CAST(CAST(:cutoff AS timestamptz) AT TIME ZONE 'UTC' AS date)
                                            ORDER BY day
                                            LIMIT :limit
                                              FOR UPDATE SKIP LOCKED)
            """)
    int deletePastBudgetDays(@Bind("cutoff") Instant cutoff, @Bind("limit") int limit);
}
