package com.koomy.email;

import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The delivery job's bookkeeping on {@code emails}, and the operators' view of it. */
@RegisterRowMapper(EmailMapper.class)
public interface EmailDao {

    @SqlQuery("SELECT * FROM emails WHERE id = :id")
    Optional<Email> find(@Bind("id") UUID id);

    /** An email to store; {@code recipients} and {@code variables} as JSON text. */
    record NewEmail(UUID id, String key, UUID communityId, String template, String locale, String recipients,
                    String variables, boolean bulk, UUID newsletterId, Integer batchNo, boolean held) {
    }

    /** Returns the id, or nothing when an email with this idempotency key exists. */
    @SqlQuery("""
            INSERT INTO emails (id, idempotency_key, community_id, template, locale, recipients, variables,
                                bulk, newsletter_id, batch_no, held)
            VALUES (:id, :key, CAST(:communityId AS uuid), :template, :locale, CAST(:recipients AS jsonb),
                    CAST(:variables AS jsonb), :bulk, CAST(:newsletterId AS uuid), :batchNo, :held)
            ON CONFLICT (idempotency_key) DO NOTHING
            RETURNING id
            """)
    Optional<UUID> insert(@BindMethods NewEmail email);

    @SqlQuery("SELECT * FROM emails WHERE idempotency_key = :key")
    Optional<Email> findByKey(@Bind("key") String idempotencyKey);

    /** Locks the row for the rest of the caller's transaction (one attempt at a time decides). */
    @SqlQuery("SELECT * FROM emails WHERE id = :id FOR UPDATE")
    Optional<Email> lock(@Bind("id") UUID id);

    /** Newest first; {@code status} null for every status. */
    @SqlQuery("""
            SELECT * FROM emails
             WHERE (CAST(:status AS text) IS NULL OR status = :status)
             ORDER BY created_at DESC, id
             LIMIT :limit OFFSET :offset
            """)
    List<Email> page(@Bind("status") String status, @Bind("limit") int limit, @Bind("offset") int offset);

    @SqlQuery("SELECT count(*) FROM emails WHERE (CAST(:status AS text) IS NULL OR status = :status)")
    long count(@Bind("status") String status);

    /** An attempt being claimed: provider, lease, who is suppressed (JSON text or null), the rendered content. */
    record Sending(UUID id, String provider, Instant leaseUntil, String suppressed, String subject, String html,
                   String text) {
    }

    /**
     * Claims the attempt: from here a crash leaves the row {@code sending} until the lease ends. The
     * rendered content is stored with it (kept from the first attempt), in the same row version.
     */
    @SqlUpdate("""
            UPDATE emails SET status = 'sending', attempts = attempts + 1, lease_until = :leaseUntil,
                   provider = :provider, suppressed = CAST(:suppressed AS jsonb), updated_at = now(),
                   subject = coalesce(subject, :subject), html_body = coalesce(html_body, :html),
                   text_body = coalesce(text_body, :text)
             WHERE id = :id
            """)
    void markSending(@BindMethods Sending attempt);

    @SqlUpdate("""
            UPDATE emails SET status = 'sent', provider_message_id = :messageId, lease_until = NULL,
                   last_error = NULL, sent_at = now(), updated_at = now()
             WHERE id = :id AND status = 'sending'
            """)
    int markSent(@Bind("id") UUID id, @Bind("messageId") String providerMessageId);

    /** The provider asked us to wait (429): back to queued, not to be tried before {@code retryAt}. */
    @SqlUpdate("""
            UPDATE emails SET status = 'queued', lease_until = NULL, last_error = :error, retry_at = :retryAt, updated_at = now()
             WHERE id = :id AND status IN ('queued', 'sending')
            """)
    void requeue(@Bind("id") UUID id, @Bind("error") String error, @Bind("retryAt") Instant retryAt);

    /** The delivery waits until {@code retryAt} (a later wait already on the row stays); only a row still queued. */
    @SqlUpdate("""
            UPDATE emails SET retry_at = greatest(coalesce(retry_at, :retryAt), :retryAt), updated_at = now()
             WHERE id = :id AND status = 'queued'
            """)
    void defer(@Bind("id") UUID id, @Bind("retryAt") Instant retryAt);

    /** The provider failed (5xx, network): back to queued, not to be tried before {@code retryAt}. */
    @SqlUpdate("""
            UPDATE emails SET status = 'queued', lease_until = NULL, last_error = :error, failures = failures + 1,
                   retry_at = :retryAt, updated_at = now()
             WHERE id = :id AND status IN ('queued', 'sending')
            """)
    void requeueAfterFailure(@Bind("id") UUID id, @Bind("error") String error, @Bind("retryAt") Instant retryAt);

    @SqlUpdate("""
            UPDATE emails SET status = 'failed', lease_until = NULL, last_error = coalesce(:error, last_error),
                   updated_at = now()
             WHERE id = :id AND status IN ('queued', 'sending')
            """)
    int markFailed(@Bind("id") UUID id, @Bind("error") String error);

    @SqlUpdate("""
            UPDATE emails SET status = 'suppressed', suppressed = CAST(:suppressed AS jsonb), lease_until = NULL,
                   updated_at = now()
             WHERE id = :id AND status IN ('queued', 'sending')
            """)
    void markSuppressed(@Bind("id") UUID id, @Bind("suppressed") String suppressedJson);

    /**
     * An interrupted attempt that must not be resent blindly: it stays {@code sending} without a lease,
     * {@code retry_at} saying when it is sent again if no SendGrid event has settled it (null: an operator decides).
     */
    @SqlUpdate("""
            UPDATE emails SET lease_until = NULL, retry_at = :resendAt, held_at = now(), last_error = :error, updated_at = now()
             WHERE id = :id
            """)
    void hold(@Bind("id") UUID id, @Bind("error") String error, @Bind("resendAt") Instant resendAt);

    /** A held email due for its resend waits again (SendGrid's webhook has not shown that events flow). */
    @SqlUpdate("""
            UPDATE emails SET retry_at = :retryAt, updated_at = now()
             WHERE id = :id AND status = 'sending' AND lease_until IS NULL
            """)
    void postponeResend(@Bind("id") UUID id, @Bind("retryAt") Instant retryAt);

    /** A held email that a SendGrid event shows SendGrid took: {@code sent}, the event named in {@code note}. */
    @SqlUpdate("""
            UPDATE emails SET status = 'sent', provider_message_id = coalesce(:messageId, provider_message_id),
                   lease_until = NULL, retry_at = NULL, sent_at = now(), updated_at = now(),
                   last_error = :note || ' (' || coalesce(last_error, 'no error') || ')'
             WHERE id = :id AND status = 'sending'
            """)
    int markConfirmed(@Bind("id") UUID id, @Bind("messageId") String messageId, @Bind("note") String note);

    /**
     * An operator's decision on an email held in {@code sending} (or failed): deliver it again. Not once retention
     * replaced its addresses (it would go to nobody).
     */
    @SqlUpdate("""
            UPDATE emails SET status = 'queued', lease_until = NULL, failures = 0, retry_at = NULL, updated_at = now(),
                   last_error = 'resent by an operator after: ' || coalesce(last_error, 'no error')
             WHERE id = :id AND status IN ('sending', 'failed') AND addresses_purged_at IS NULL
            """)
    int requeueByOperator(@Bind("id") UUID id);

    /** An operator's decision on an email held in {@code sending}: the provider did take it. */
    @SqlUpdate("""
            UPDATE emails SET status = 'sent', lease_until = NULL, sent_at = coalesce(sent_at, now()), updated_at = now(),
                   last_error = 'marked sent by an operator after: ' || coalesce(last_error, 'no error')
             WHERE id = :id AND status = 'sending'
            """)
    int markSentByOperator(@Bind("id") UUID id);

    /**
     * Emails that need an operator's decision (an alert): held in sending with no automatic resolution
     * (no SendGrid event webhook configured), or past their lease and not yet taken over.
     */
    @SqlQuery("""
            SELECT count(*) FROM emails
             WHERE status = 'sending' AND ((lease_until IS NULL AND retry_at IS NULL) OR lease_until < now())
            """)
    long countNeedingOperator();

    /** Emails held in sending until a SendGrid event settles them or their resend is due. */
    @SqlQuery("SELECT count(*) FROM emails WHERE status = 'sending' AND lease_until IS NULL AND retry_at IS NOT NULL")
    long countAwaitingConfirmation();

    /**
     * Due rows, transactional first (bulk = false sorts first), each kind in the order of its wait: waits
     * that are over, attempts that died past their lease, and held attempts (sending, no lease) that a
     * SendGrid event now settles or whose resend is due ({@link InterruptedAttempts}). At most {@code limit}:
     * {@link EmailPacer} takes them.
     */
    @SqlQuery("""
            SELECT id FROM (
                (SELECT id, bulk, retry_at AS due FROM emails
                  WHERE status = 'queued' AND retry_at IS NOT NULL AND retry_at <= now() AND NOT held
                  ORDER BY bulk, retry_at LIMIT :limit)
                UNION ALL
                (SELECT id, bulk, lease_until AS due FROM emails
                  WHERE status = 'sending' AND lease_until IS NOT NULL AND lease_until < now()
                  ORDER BY lease_until LIMIT :limit)
                UNION ALL
                (SELECT id, bulk, coalesce(retry_at, now()) AS due FROM emails
                  WHERE status = 'sending' AND lease_until IS NULL
                    AND (retry_at <= now()
                         OR EXISTS (SELECT 1 FROM sendgrid_events e WHERE e.koomy_key = emails.idempotency_key))
                  ORDER BY retry_at LIMIT :limit)) d
             ORDER BY bulk, due
             LIMIT :limit
            """)
    List<UUID> due(@Bind("limit") int limit);
}
