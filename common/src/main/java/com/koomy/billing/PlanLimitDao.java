package com.koomy.billing;

import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

import java.util.Optional;
import java.util.UUID;

/** The community's plan, and what it counts against each of the plan's limits ({@link PlanLimits}). */
public interface PlanLimitDao {

    /** Empty: no subscription row (the free plan). */
    @SqlQuery("SELECT plan FROM community_subscriptions WHERE community_id = :id")
    Optional<String> plan(@Bind("id") UUID communityId);

    /** Serializes the checks of a community's limits until the transaction ends (two requests cannot both take the last place). */
    @SqlQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext('koomy-plan-limit:' || :id))) locked")
    int lock(@Bind("id") String communityId);

    /** Pending members count: approving them must not overshoot the plan. */
    @SqlQuery("SELECT count(*) FROM memberships WHERE community_id = :id AND status IN ('active', 'pending')")
    long members(@Bind("id") UUID communityId);

    @SqlQuery("SELECT count(*) FROM content_drafts WHERE community_id = :id "
            + "AND created_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'")
    long aiDraftsThisMonth(@Bind("id") UUID communityId);

    @SqlQuery("SELECT count(*) FROM events WHERE community_id = :id")
    long events(@Bind("id") UUID communityId);

    @SqlQuery("SELECT count(*) FROM newsletters WHERE community_id = :id AND status <> 'cancelled' "
            + "AND queued_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'")
    long newslettersThisMonth(@Bind("id") UUID communityId);

    @SqlQuery("SELECT to_regclass('events') IS NULL")
    boolean eventsTableMissing();
}
