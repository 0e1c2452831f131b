package com.koomy.newsletters;

import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Newsletters queued by code (not drafted by a manager) and the release of their batches ({@link Newsletters}). */
public interface NewsletterBatchDao {

    record Queued(UUID id, UUID communityId, String communityName, String key, String locale, String subject, String body) {
    }

    /** Returns the new row's id, or nothing when a newsletter has this idempotency key. */
    @SqlQuery("""
            INSERT INTO newsletters (id, community_id, community_name, idempotency_key, locale, subject, body)
            VALUES (:id, :communityId, :communityName, :key, :locale, :subject, :body)
            ON CONFLICT (idempotency_key) DO NOTHING
            RETURNING id
            """)
    Optional<UUID> insert(@BindMethods Queued newsletter);

    @SqlQuery("SELECT id FROM newsletters WHERE idempotency_key = :key")
    UUID byKey(@Bind("key") String key);

    /** One row per recipient, in one JDBC batch. */
    @SqlBatch("""
            INSERT INTO newsletter_recipients (newsletter_id, email, name) VALUES (:id, :email, :name)
            ON CONFLICT DO NOTHING
            """)
    void addRecipients(@Bind("id") UUID id, @Bind("email") List<String> emails, @Bind("name") List<String> names);

    /** The newsletter's row locked, NO KEY UPDATE ({@link Newsletters#afterBatch} says why). */
    @SqlQuery("SELECT id FROM newsletters WHERE id = :id FOR NO KEY UPDATE")
    Optional<UUID> lock(@Bind("id") UUID id);

    /** Sent once fanned out and no batch is left queued or sending. */
    @SqlUpdate("""
            UPDATE newsletters SET status = 'sent', sent_at = now(), updated_at = now()
             WHERE id = :newsletterId AND status = 'sending' AND fanned_out_at IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM emails WHERE newsletter_id = :newsletterId
                                AND status IN ('queued', 'sending'))
            """)
    void markSentIfDone(@Bind("newsletterId") UUID newsletterId);

    /** Unholds batches, lowest first, until {@code window} are in flight; returns them. */
    @SqlQuery("""
            UPDATE emails SET held = false, updated_at = now()
             WHERE id IN (SELECT id FROM emails WHERE newsletter_id = :id AND held
                           ORDER BY batch_no
                           LIMIT greatest(0, :window - (SELECT count(*) FROM emails
                                                         WHERE newsletter_id = :id AND NOT held
                                                           AND (status = 'queued' OR (status = 'sending'
                                                                AND lease_until IS NOT NULL))))
                           FOR UPDATE SKIP LOCKED)
            RETURNING id
            """)
    List<UUID> release(@Bind("id") UUID newsletterId, @Bind("window") int window);
}
