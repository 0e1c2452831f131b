package com.koomy.jobs;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.List;

public interface OutboxDao {

    @SqlUpdate("INSERT INTO outbox (kind, ref) VALUES (:kind, :ref)")
    void add(@Bind("kind") String kind, @Bind("ref") String ref);

    /**
     * Takes the oldest entries and deletes them; the deletion only holds if the caller's transaction
     * commits, so a relay that dies before JobRunr stored the jobs leaves them for the next one.
     * SKIP LOCKED lets several relays (one per worker) share the table without waiting on each other.
     */
    @SqlQuery("""
            DELETE FROM outbox
             WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED)
            RETURNING id, kind, ref
            """)
    @RegisterConstructorMapper(OutboxEntry.class)
    List<OutboxEntry> claim(@Bind("limit") int limit);

    @SqlQuery("SELECT count(*) FROM outbox")
    long pending();
}
