package com.koomy.billing;

import com.koomy.errors.ApiException;
import org.jdbi.v3.core.Handle;

import java.util.UUID;

/**
 * The plan's limits, checked inside the transaction that would exceed them. The check takes a
 * per-community transaction lock first, so two joins racing for the last place cannot both pass.
 * Over a limit: 402 {@code plan_limit_reached} (a bigger plan lifts it); a feature the plan does not
 * include at all (limit 0): 403 {@code not_in_plan}.
 */
public class PlanLimits {

    public enum Limit { MEMBERS, EVENTS, AI_DRAFTS_PER_MONTH, NEWSLETTERS_PER_MONTH }

    public record Usage(long members, long events, long aiDraftsThisMonth) {
    }

    private final Plans plans;

    public PlanLimits(Plans plans) {
        this.plans = plans;
    }

    public Plan planOf(Handle handle, UUID communityId) {
        return handle.createQuery("SELECT plan FROM community_subscriptions WHERE community_id = :id")
                .bind("id", communityId).mapTo(String.class).findOne()
                .flatMap(plans::byId).orElseGet(plans::free);
    }

    /** Throws unless the community may have one more of {@code limit}. */
    public void requireRoom(Handle handle, UUID communityId, Limit limit) {
        Plan plan = planOf(handle, communityId);
        Integer max = switch (limit) {
            case MEMBERS -> plan.maxMembers();
            case EVENTS -> plan.maxEvents();
            case AI_DRAFTS_PER_MONTH -> plan.aiDraftsPerMonth();
            case NEWSLETTERS_PER_MONTH -> plan.newslettersPerMonth();
        };
        if (max == null) {
            return;
        }
        String what = limit.name().toLowerCase().replace('_', ' ');
        if (max == 0) {
            throw new ApiException(403, "not_in_plan", "the " + plan.name() + " plan does not include " + what);
        }
        handle.createQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext('koomy-plan-limit:' || :id))) locked")
                .bind("id", communityId.toString()).mapTo(Integer.class).one();
        long used = count(handle, communityId, limit);
        if (used >= max) {
            throw new ApiException(402, "plan_limit_reached", "the " + plan.name() + " plan allows " + max + " " + what
                    + " and this community has " + used + ": upgrade the plan to add more");
        }
    }

    /** Throws unless one newsletter of the community may go to {@code audience} recipients. */
    public void requireAudience(Handle handle, UUID communityId, long audience) {
        Plan plan = planOf(handle, communityId);
        Integer max = plan.newsletterAudience();
        if (max != null && audience > max) {
            throw new ApiException(402, "plan_limit_reached", "the " + plan.name() + " plan sends a newsletter to at most "
                    + max + " recipients and this audience has " + audience + ": upgrade the plan or choose a smaller segment");
        }
    }

    public Usage usage(Handle handle, UUID communityId) {
        return new Usage(count(handle, communityId, Limit.MEMBERS), count(handle, communityId, Limit.EVENTS),
                count(handle, communityId, Limit.AI_DRAFTS_PER_MONTH));
    }

    private static long count(Handle handle, UUID communityId, Limit limit) {
        String sql = switch (limit) {
            // Pending members count: approving them must not overshoot the plan.
            case MEMBERS -> "SELECT count(*) FROM memberships WHERE community_id = :id AND status IN ('active', 'pending')";
            case AI_DRAFTS_PER_MONTH -> "SELECT count(*) FROM content_drafts WHERE community_id = :id "
                    + "AND created_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'";
            case EVENTS -> "SELECT count(*) FROM events WHERE community_id = :id";
            case NEWSLETTERS_PER_MONTH -> "SELECT count(*) FROM newsletters WHERE community_id = :id AND status <> 'cancelled' "
                    + "AND queued_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'";
        };
        if (limit == Limit.EVENTS
                && handle.createQuery("SELECT to_regclass('events') IS NULL").mapTo(Boolean.class).one()) {
            return 0; // the events table lands with the events feature (another branch): until then there are none
        }
        return handle.createQuery(sql).bind("id", communityId).mapTo(Long.class).one();
    }
}
