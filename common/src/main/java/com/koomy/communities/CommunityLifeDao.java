package com.koomy.communities;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Archiving, deleting and purging communities (docs/architecture.md, "A community's life"). */
@RegisterRowMapper(CommunityMapper.class)
public interface CommunityLifeDao {

    /** The community's row, locked until the transaction ends: archive, unarchive and delete take turns. */
    @SqlQuery("SELECT * FROM communities WHERE id = :id AND purged_at IS NULL FOR UPDATE")
    Optional<Community> lock(@Bind("id") UUID id);

    @SqlUpdate("UPDATE communities SET archived_at = now(), updated_at = now() WHERE id = :id")
    void archive(@Bind("id") UUID id);

    /** Also cancels a scheduled deletion. */
    @SqlUpdate("UPDATE communities SET archived_at = NULL, deletion_due_at = NULL, updated_at = now() WHERE id = :id")
    void unarchive(@Bind("id") UUID id);

    @SqlUpdate("UPDATE communities SET deletion_due_at = :due, updated_at = now() WHERE id = :id")
    void scheduleDeletion(@Bind("id") UUID id, @Bind("due") Instant due);

    /**
     * Whether the community is archived, its row read FOR KEY SHARE: a write that must not race an archive
     * (a card payment completing) is ordered with it.
     */
    @SqlQuery("SELECT archived_at IS NOT NULL FROM communities WHERE id = :id FOR KEY SHARE")
    boolean archivedForKeyShare(@Bind("id") UUID id);

    /** Whether the community has a Stripe subscription (a plan) that the archive must stop renewing. */
    @SqlQuery("SELECT EXISTS (SELECT 1 FROM community_subscriptions WHERE community_id = :id AND subscription_id IS NOT NULL)")
    boolean hasSubscription(@Bind("id") UUID id);

    /** Communities whose grace period ended, oldest first. */
    @SqlQuery("""
            SELECT id FROM communities
             WHERE deletion_due_at <= now() AND purged_at IS NULL
             ORDER BY deletion_due_at LIMIT :limit
            """)
    List<UUID> dueForPurge(@Bind("limit") int limit);

    /** A Checkout session of a dues payment, on the community's connected account. */
    record OpenCheckout(String sessionId, String stripeAccount) {
    }

    /** The archived-or-not state Stripe's subscription must follow. */
    record PlanState(Instant archivedAt, Instant updatedAt, String subscriptionId, String status) {
    }

    /** The Checkout sessions still open (made less than {@code open} seconds ago, unpaid) of an archived community. */
    @SqlQuery("""
            SELECT c.session_id, c.stripe_account FROM dues_checkouts c
             WHERE c.community_id = :id AND c.session_id IS NOT NULL
               AND c.created_at > now() - make_interval(secs => :open)
               AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.checkout_id = c.id)
               AND EXISTS (SELECT 1 FROM communities k WHERE k.id = c.community_id AND k.archived_at IS NOT NULL)
             ORDER BY c.created_at""")
    @RegisterConstructorMapper(OpenCheckout.class)
    List<OpenCheckout> openCheckoutsIfArchived(@Bind("id") UUID id, @Bind("open") long openSeconds);

    /** Empty when the community has no subscription row. */
    @SqlQuery("""
            SELECT c.archived_at, c.updated_at, s.subscription_id, s.status
              FROM communities c JOIN community_subscriptions s ON s.community_id = c.id
             WHERE c.id = :id""")
    @RegisterConstructorMapper(PlanState.class)
    Optional<PlanState> planState(@Bind("id") UUID id);
}
