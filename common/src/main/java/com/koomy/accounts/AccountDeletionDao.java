package com.koomy.accounts;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The deletion state on {@code accounts} (V26) and its log, {@code account_deletion_log}. */
public interface AccountDeletionDao {

    /** Where an account's deletion stands, with the emails pass's cursor. */
    record State(UUID id, String email, Instant deletionRequestedAt, Instant eraseAfter, Instant erasureStartedAt,
                 UUID erasureCursorId, Instant erasedAt) {
    }

    /** One logged step; {@code details} is its JSON text. */
    record Step(long id, String step, String actor, String details, Instant at) {
    }

    @SqlQuery("""
            SELECT id, email, deletion_requested_at, erase_after, erasure_started_at, erasure_cursor_id,
                   erased_at
              FROM accounts WHERE id = :id
            """)
    @RegisterConstructorMapper(State.class)
    Optional<State> find(@Bind("id") UUID id);

    /** The same, the row locked until the transaction ends: requests, restores and the erasure take turns. */
    @SqlQuery("""
            SELECT id, email, deletion_requested_at, erase_after, erasure_started_at, erasure_cursor_id,
                   erased_at
              FROM accounts WHERE id = :id FOR UPDATE
            """)
    @RegisterConstructorMapper(State.class)
    Optional<State> lock(@Bind("id") UUID id);

    @SqlUpdate("""
            UPDATE accounts SET deletion_requested_at = :at, erase_after = :eraseAfter, updated_at = now()
             WHERE id = :id AND deletion_requested_at IS NULL
            """)
    int request(@Bind("id") UUID id, @Bind("at") Instant at, @Bind("eraseAfter") Instant eraseAfter);

    @SqlUpdate("""
            UPDATE accounts SET deletion_requested_at = NULL, erase_after = NULL, updated_at = now()
             WHERE id = :id AND erasure_started_at IS NULL
            """)
    int cancel(@Bind("id") UUID id);

    /** Up to {@code limit} accounts whose grace period is over and whose erasure is not finished, oldest first. */
    @SqlQuery("""
            SELECT id FROM accounts
             WHERE erase_after IS NOT NULL AND erased_at IS NULL AND erase_after <= :now
             ORDER BY erase_after, id LIMIT :limit
            """)
    List<UUID> due(@Bind("now") Instant now, @Bind("limit") int limit);

    @SqlUpdate("UPDATE accounts SET erasure_started_at = :at, updated_at = now() WHERE id = :id AND erasure_started_at IS NULL")
    int startErasure(@Bind("id") UUID id, @Bind("at") Instant at);

    @SqlUpdate("UPDATE accounts SET erasure_cursor_id = :cursorId WHERE id = :id")
    void moveCursor(@Bind("id") UUID id, @Bind("cursorId") UUID cursorId);

    @SqlUpdate("""
            INSERT INTO account_deletion_log (account_id, step, actor, details, at)
            VALUES (:accountId, :step, :actor, CAST(:details AS jsonb), :at)
            """)
    void log(@Bind("accountId") UUID accountId, @Bind("step") String step, @Bind("actor") String actor,
             @Bind("details") String detailsJson, @Bind("at") Instant at);

    @SqlQuery("SELECT id, step, actor, details::text AS details, at FROM account_deletion_log WHERE account_id = :id ORDER BY id")
    @RegisterConstructorMapper(Step.class)
    List<Step> steps(@Bind("id") UUID accountId);
}
