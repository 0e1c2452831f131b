package com.koomy.content;

import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.LocalDate;
import java.util.Optional;
import java.util.UUID;

/**
 * The daily AI budget of each community, per UTC day, and the platform's (all communities together), kept
 * in the same table under {@link #PLATFORM}.
 */
public interface ContentBudgetDao {

    /** The row of the platform-wide budget: no community has this id. */
    UUID PLATFORM = new UUID(0, 0);

    /**
     * Reserves one provider call for today if the community is under both budgets, and returns the
     * day it was counted on. ON CONFLICT DO UPDATE locks the row, so concurrent workers take turns and
     * the last one under the limit is the only one to pass. Nothing is returned when over budget.
     */
    @SqlQuery("""
            INSERT INTO content_budget_usage AS u (community_id, day, requests, tokens)
            VALUES (:communityId, CAST(now() AT TIME ZONE 'UTC' AS date), 1, 0)
            ON CONFLICT (community_id, day) DO UPDATE SET requests = u.requests + 1
             WHERE :maxRequests > u.requests AND :maxTokens > u.tokens
            RETURNING day
            """)
    Optional<LocalDate> reserve(@Bind("communityId") UUID communityId, @Bind("maxRequests") int maxRequests,
                                @Bind("maxTokens") long maxTokens);

    /** Gives back a reservation that was not used (the platform's budget refused the call). */
    @SqlUpdate("""
            UPDATE content_budget_usage SET requests = requests - 1
             WHERE community_id = :communityId AND day = :day AND requests > 0
            """)
    void release(@Bind("communityId") UUID communityId, @Bind("day") LocalDate day);

    @SqlUpdate("""
            UPDATE content_budget_usage SET tokens = tokens + :tokens
             WHERE community_id = :communityId AND day = :day
            """)
    void addTokens(@Bind("communityId") UUID communityId, @Bind("day") LocalDate day, @Bind("tokens") long tokens);

    /** Whether today's budget is already used up; a check for callers, the reservation is what enforces. */
    @SqlQuery("""
            SELECT EXISTS (SELECT 1 FROM content_budget_usage
                            WHERE community_id = :communityId AND day = CAST(now() AT TIME ZONE 'UTC' AS date)
                              AND (requests >= :maxRequests OR tokens >= :maxTokens))
            """)
    boolean isUsedUp(@Bind("communityId") UUID communityId, @Bind("maxRequests") int maxRequests,
                     @Bind("maxTokens") long maxTokens);
}
