package com.koomy.stripe.events;

import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Reconciliation's state per scope ({@code platform} or a connected account): its cursor and its queued job. */
public interface StripeReconcileCursorDao {

    /** The newest Stripe {@code created} seen in this scope; empty before its first run. */
    @SqlQuery("SELECT last_created FROM stripe_reconcile_cursors WHERE scope = :scope AND last_created IS NOT NULL")
    Optional<Instant> lastCreated(@Bind("scope") String scope);

    /** After a run: the cursor only moves forward (two runs of a scope may overlap), the run is recorded. */
    @SqlUpdate("""
            INSERT INTO stripe_reconcile_cursors (scope, last_created, last_run_at, ingested) VALUES (:scope, :cursor, now(), :ingested)
            ON CONFLICT (scope) DO UPDATE SET last_created = greatest(stripe_reconcile_cursors.last_created, :cursor),
                   last_run_at = now(), ingested = stripe_reconcile_cursors.ingested + :ingested
            """)
    void advance(@Bind("scope") String scope, @Bind("cursor") Instant cursor, @Bind("ingested") long ingested);

    /**
     * The scopes whose last queued job has not run yet (queued after the last run), unless it was queued before
     * {@code staleBefore}: a job that failed for good or was deleted holds its scope back until then, no longer.
     */
    @SqlQuery("""
            SELECT scope FROM stripe_reconcile_cursors
             WHERE queued_at > coalesce(last_run_at, '-infinity') AND queued_at >= :staleBefore
            """)
    List<String> pending(@Bind("staleBefore") Instant staleBefore);

    /** The fan-out queued a job for each of these scopes. */
    @SqlBatch("""
            INSERT INTO stripe_reconcile_cursors (scope, queued_at) VALUES (:scope, now())
            ON CONFLICT (scope) DO UPDATE SET queued_at = now()
            """)
    void markQueued(@Bind("scope") List<String> scopes);
}
