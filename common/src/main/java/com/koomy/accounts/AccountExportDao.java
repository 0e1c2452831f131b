package com.koomy.accounts;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

@RegisterConstructorMapper(AccountExport.class)
public interface AccountExportDao {

    String COLUMNS = "id, account_id, status, requested_at, ready_at, downloaded_at";

    @SqlQuery("SELECT " + COLUMNS + " FROM account_exports WHERE account_id = :accountId AND status = 'pending' LIMIT 1")
    Optional<AccountExport> findPending(@Bind("accountId") UUID accountId);

    /** A new export makes the older archives of the account go (only one is ever held). */
    @SqlUpdate("""
            UPDATE account_exports SET status = 'expired', archive = NULL, link_hash = NULL
             WHERE account_id = :accountId AND status = 'ready'
            """)
    void expireReady(@Bind("accountId") UUID accountId);

    @SqlUpdate("INSERT INTO account_exports (id, account_id) VALUES (:id, :accountId)")
    void insert(@Bind("id") UUID id, @Bind("accountId") UUID accountId);

    /** Tenancy: an export of another account is not found. */
    @SqlQuery("SELECT " + COLUMNS + " FROM account_exports WHERE id = :id AND account_id = :accountId")
    Optional<AccountExport> find(@Bind("id") UUID id, @Bind("accountId") UUID accountId);

    @SqlQuery("SELECT " + COLUMNS + " FROM account_exports WHERE id = :id")
    Optional<AccountExport> findById(@Bind("id") UUID id);

    @SqlUpdate("""
            UPDATE account_exports SET link_hash = :hash, link_expires_at = :expiresAt
             WHERE id = :id AND account_id = :accountId AND status = 'ready'
            """)
    int setLink(@Bind("id") UUID id, @Bind("accountId") UUID accountId, @Bind("hash") byte[] hash,
                @Bind("expiresAt") Instant expiresAt);

    /** The archive, once: the row becomes {@code downloaded} and the archive is erased in the same statement. */
    @SqlQuery("""
            WITH taken AS (
                SELECT id, archive FROM account_exports
                 WHERE id = :id AND status = 'ready' AND link_hash = :hash AND link_expires_at > now()
                 FOR UPDATE
            )
            UPDATE account_exports e SET status = 'downloaded', archive = NULL, link_hash = NULL, downloaded_at = now()
              FROM taken WHERE e.id = taken.id
            RETURNING taken.archive::text
            """)
    Optional<String> take(@Bind("id") UUID id, @Bind("hash") byte[] linkHash);

    /**
     * Builds the archive in PostgreSQL (one statement, no rows held by the job) and marks the export ready;
     * 0 when it is no longer pending (a second run of the job changes nothing).
     */
    @SqlUpdate("""
            UPDATE account_exports x SET status = 'ready', ready_at = now(), archive = (
              SELECT jsonb_build_object(
                'format', 'koomy-account-export/1',
                'exportedAt', now(),
                'profile', jsonb_build_object('id', a.id, 'email', a.email, 'name', a.name, 'locale', a.locale,
                    'emailVerifiedAt', a.email_verified_at, 'createdAt', a.created_at, 'passwordChangedAt', a.password_changed_at),
                'memberships', (SELECT coalesce(jsonb_agg(jsonb_build_object('communityId', m.community_id,
                    'communityName', c.name, 'role', m.role, 'status', m.status, 'duesPaidUntil', m.dues_paid_until,
                    'joinedAt', m.joined_at, 'fields', m.fields) ORDER BY m.joined_at), '[]'::jsonb)
                    FROM memberships m JOIN communities c ON c.id = m.community_id WHERE m.account_id = a.id),
                'membershipRequests', (SELECT coalesce(jsonb_agg(jsonb_build_object('communityId', r.community_id,
                    'status', r.status, 'requestedAt', r.requested_at, 'decidedAt', r.decided_at, 'message', r.message)
                    ORDER BY r.requested_at), '[]'::jsonb) FROM membership_requests r WHERE r.account_id = a.id),
                'payments', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', p.id, 'communityId', p.community_id,
                    'description', p.description, 'amount', p.amount, 'currency', p.currency, 'amountRefunded', p.amount_refunded,
                    'status', p.status, 'paidAt', p.paid_at, 'refundedAt', p.refunded_at, 'createdAt', p.created_at)
                    ORDER BY p.created_at), '[]'::jsonb) FROM payments p WHERE p.account_id = a.id),
                'tickets', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', t.id, 'eventId', t.event_id,
                    'event', e.title, 'startsAt', e.starts_at, 'status', t.status, 'guestName', t.guest_name,
                    'createdAt', t.created_at, 'cancelledAt', t.cancelled_at) ORDER BY t.created_at), '[]'::jsonb)
                    FROM tickets t JOIN events e ON e.id = t.event_id WHERE t.account_id = a.id),
                'emailsSentToMe', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', m.id, 'template', m.template,
                    'communityId', m.community_id, 'status', m.status, 'createdAt', m.created_at) ORDER BY m.created_at), '[]'::jsonb)
                    FROM emails m WHERE m.recipients @> jsonb_build_array(jsonb_build_object('email', a.email))),
                'consents', jsonb_build_object(
                    'newsletterUnsubscribes', (SELECT coalesce(jsonb_agg(jsonb_build_object('communityId', u.community_id,
                        'since', u.created_at) ORDER BY u.created_at), '[]'::jsonb)
                        FROM newsletter_unsubscribes u WHERE u.email = a.email),
                    'emailSuppression', (SELECT jsonb_build_object('reason', s.reason, 'scope', s.scope, 'since', s.created_at)
                        FROM email_suppressions s WHERE s.email = a.email))
              ) FROM accounts a WHERE a.id = x.account_id)
             WHERE x.id = :id AND x.status = 'pending'
            """)
    int build(@Bind("id") UUID id);
}
