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
        return handle.attach(PlanLimitDao.class).plan(communityId).flatMap(plans::byId).orElseGet(plans::free);
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
        handle.attach(PlanLimitDao.class).lock(communityId.toString());
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
        PlanLimitDao counts = handle.attach(PlanLimitDao.class);
        if (limit == Limit.EVENTS && counts.eventsTableMissing()) {
            return 0; // the events table lands with the events feature (another branch): until then there are none
        }
        return switch (limit) {
            case MEMBERS -> counts.members(communityId);
            case AI_DRAFTS_PER_MONTH -> counts.aiDraftsThisMonth(communityId);
            case EVENTS -> counts.events(communityId);
            case NEWSLETTERS_PER_MONTH -> counts.newslettersThisMonth(communityId);
        };
    }
}
