package com.koomy.jobs;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.Collection;
import java.util.List;

/**
 * The only writer of the {@code outbox} table: a feature queues work by calling {@link #add} or {@link #addAll}
 * on the handle of the transaction that makes the change (docs/architecture.md, "Data access").
 */
public interface OutboxDao {

    /**
     * The part of one statement that queues the rows an earlier data-modifying CTE returned: {@code queued AS
     * (INSERT INTO outbox ...)}, to follow {@code WITH <cte> AS (...),}. Only for a measured hot path that cannot
     * afford a second statement ({@code StripeEventWrites}); everywhere else {@link #add} or {@link #addAll}.
     * {@code cte}, {@code refColumn} and {@code kind} are our constants, never input.
     */
    static String queueFrom(String cte, String refColumn, String kind) {
        return "queued AS (INSERT INTO outbox (kind, ref) SELECT '" + kind + "', " + refColumn + " FROM " + cte + ")";
    }

    @SqlUpdate("INSERT INTO outbox (kind, ref) VALUES (:kind, :ref)")
    void add(@Bind("kind") String kind, @Bind("ref") String ref);

    /** One row per ref, in one statement (rows stored by a batch, batches released together). */
    default void addAll(String kind, Collection<?> refs) {
        if (!refs.isEmpty()) {
            addEach(kind, refs.stream().map(Object::toString).toArray(String[]::new));
        }
    }

    @SqlUpdate("INSERT INTO outbox (kind, ref) SELECT :kind, unnest(CAST(:refs AS text[]))")
    void addEach(@Bind("kind") String kind, @Bind("refs") String[] refs);

    /**
     * Takes the oldest entries of the given kinds and deletes them; the deletion only holds if the
     * caller's transaction commits, so a relay that dies before JobRunr stored the jobs leaves them
     * for the next one. SKIP LOCKED lets several relays (one per worker) share the table without
     * waiting on each other. Kinds a relay cannot route are left for one that can (a newer worker
     * during a rolling deploy) instead of being lost.
     * <p>
     * {@code id = ANY(ARRAY(...))}: the ids are collected once and each deleted through the primary
     * key. With {@code id IN (subquery)} PostgreSQL could keep a plan made while the table was empty
     * (a nested loop over a sequential scan) and spend seconds on a 10,000-row burst.
     */
    @SqlQuery("""
            DELETE FROM outbox
             WHERE id = ANY(ARRAY(SELECT id FROM outbox WHERE kind IN (<kinds>)
                                   ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED))
            RETURNING id, kind, ref
            """)
    @RegisterConstructorMapper(OutboxEntry.class)
    List<OutboxEntry> claim(@BindList("kinds") List<String> kinds, @Bind("limit") int limit);

    @SqlQuery("SELECT count(*) FROM outbox")
    long pending();

    /** Entries no relay of this version can route: they wait for a worker that knows their kind. */
    @SqlQuery("SELECT count(*) FROM outbox WHERE kind NOT IN (<kinds>)")
    long unroutable(@BindList("kinds") List<String> kinds);
}
