package com.koomy.content;

import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.Optional;
import java.util.UUID;

/**
 * Drafts and the states of their attempts. Every write after {@link #claim} names the attempt it
 * settles, so an attempt whose lease was taken over (a worker presumed dead) cannot overwrite the
 * newer attempt's outcome.
 */
@RegisterRowMapper(ContentDraftMapper.class)
public interface ContentDraftDao {

    @SqlUpdate("""
            INSERT INTO content_drafts (id, community_id, kind, language, brief)
            VALUES (:id, :communityId, :kind, :language, :brief)
            """)
    void insert(@Bind("id") UUID id, @Bind("communityId") UUID communityId, @Bind("kind") String kind,
                @Bind("language") String language, @Bind("brief") String brief);

    @SqlQuery("SELECT * FROM content_drafts WHERE id = :id")
    Optional<ContentDraft> find(@Bind("id") UUID id);

    /**
     * Starts an attempt: a queued draft, or a running one whose attempt started longer than the lease
     * ago (its worker died mid-call). Returns nothing when the draft is done, failed, missing, or
     * another attempt holds it.
     */
    @SqlQuery("""
            UPDATE content_drafts
               SET status = 'running', attempts = attempts + 1, started_at = now(), updated_at = now()
             WHERE id = :id
               AND (status = 'queued'
                    OR (status = 'running' AND started_at < now() - CAST(:leaseSeconds AS double precision) * interval '1 second'))
            RETURNING *
            """)
    Optional<ContentDraft> claim(@Bind("id") UUID id, @Bind("leaseSeconds") long leaseSeconds);

    /** A settled attempt's text and usage; {@code attempt} names the attempt it settles. */
    record Done(UUID id, int attempt, String text, String model, int promptTokens, int completionTokens,
                int totalTokens, int durationMs) {
    }

    @SqlUpdate("""
            UPDATE content_drafts
               SET status = 'done', result_text = :text, model = :model, prompt_tokens = :promptTokens,
                   completion_tokens = :completionTokens, total_tokens = :totalTokens, duration_ms = :durationMs,
                   last_error = NULL, updated_at = now(), finished_at = now()
             WHERE id = :id AND status = 'running' AND attempts = :attempt
            """)
    int markDone(@BindMethods Done done);

    /** An attempt failed in a way worth retrying: back to queued, the error kept for operators. */
    @SqlUpdate("""
            UPDATE content_drafts
               SET status = 'queued', last_error = :error, duration_ms = :durationMs, updated_at = now()
             WHERE id = :id AND status = 'running' AND attempts = :attempt
            """)
    int releaseForRetry(@Bind("id") UUID id, @Bind("attempt") int attempt, @Bind("error") String error,
                        @Bind("durationMs") Integer durationMs);

    @SqlUpdate("""
            UPDATE content_drafts
               SET status = 'failed', last_error = :error, duration_ms = coalesce(:durationMs, duration_ms),
                   updated_at = now(), finished_at = now()
             WHERE id = :id AND status = 'running' AND attempts = :attempt
            """)
    int markFailed(@Bind("id") UUID id, @Bind("attempt") int attempt, @Bind("error") String error,
                   @Bind("durationMs") Integer durationMs);
}
