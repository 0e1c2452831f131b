package com.koomy.accounts;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.UUID;

/**
 * The erasure's statements ({@link AccountErasure}). Every one is idempotent: run again after a kill, it finds
 * nothing left to do or does the same thing again. {@code :email} is the person's address, {@code :pseudonym}
 * the address that replaces it ({@link AccountErasure#pseudonym}).
 */
public interface AccountErasureDao {

    /** An email addressed to the person (or that left them out as suppressed). */
    String ADDRESSED = """
            (e.recipients @> jsonb_build_array(jsonb_build_object('email', CAST(:email AS text)))
             OR coalesce(e.suppressed @> jsonb_build_array(jsonb_build_object('email', CAST(:email AS text))), false))
            """;

    /**
     * Their entry in the recipients (and suppressed) lists becomes the pseudonym, without a name; an email to
     * them alone (every transactional one) loses its rendered subject and bodies, its variables (links, names)
     * and its last error, and one not sent yet is settled {@code suppressed}. A batch's shared content stays.
     */
    String ERASE = """
            UPDATE emails e SET
                recipients = (SELECT jsonb_agg(CASE WHEN r ->> 'email' = :email
                                                    THEN jsonb_build_object('email', CAST(:pseudonym AS text)) ELSE r END
                                               ORDER BY n)
                                FROM jsonb_array_elements(e.recipients) WITH ORDINALITY AS x(r, n)),
                suppressed = CASE WHEN jsonb_typeof(e.suppressed) = 'array' THEN coalesce(
                                 (SELECT jsonb_agg(CASE WHEN r ->> 'email' = :email
                                                        THEN jsonb_build_object('email', CAST(:pseudonym AS text)) ELSE r END
                                                   ORDER BY n)
                                    FROM jsonb_array_elements(e.suppressed) WITH ORDINALITY AS x(r, n)), '[]'::jsonb)
                                 ELSE e.suppressed END,
                variables  = CASE WHEN jsonb_array_length(e.recipients) = 1 THEN '{}'::jsonb ELSE e.variables END,
                subject    = CASE WHEN jsonb_array_length(e.recipients) = 1 THEN NULL ELSE e.subject END,
                html_body  = CASE WHEN jsonb_array_length(e.recipients) = 1 THEN NULL ELSE e.html_body END,
                text_body  = CASE WHEN jsonb_array_length(e.recipients) = 1 THEN NULL ELSE e.text_body END,
                last_error = CASE WHEN jsonb_array_length(e.recipients) = 1 THEN NULL ELSE e.last_error END,
                status     = CASE WHEN jsonb_array_length(e.recipients) = 1 AND e.status IN ('queued', 'sending')
                                  THEN 'suppressed' ELSE e.status END,
                updated_at = now()
            """;

    /** What one page of the pass over emails did, and where the next page starts (null: the page was empty). */
    record EmailPage(long scanned, long erased, UUID lastId) {
    }

    /** One page of emails in id order (the primary key's index) after {@code after}; the person's are erased. */
    @SqlQuery("WITH page AS (SELECT id FROM emails WHERE id > :after ORDER BY id LIMIT :batch), hit AS ("
            + ERASE + " FROM page WHERE e.id = page.id AND " + ADDRESSED + " RETURNING e.id) "
            + "SELECT (SELECT count(*) FROM page) AS scanned, (SELECT count(*) FROM hit) AS erased, "
            + "(SELECT id FROM page ORDER BY id DESC LIMIT 1) AS last_id")
    @RegisterConstructorMapper(EmailPage.class)
    EmailPage erasePage(@Bind("email") String email, @Bind("pseudonym") String pseudonym, @Bind("after") UUID after,
                        @Bind("batch") int batch);

    /** Emails queued since the pass began (its id order may have put them behind the cursor). */
    @SqlUpdate(ERASE + " WHERE e.created_at >= :since AND " + ADDRESSED)
    int eraseSince(@Bind("email") String email, @Bind("pseudonym") String pseudonym, @Bind("since") Instant since);

    @SqlUpdate("DELETE FROM account_tokens WHERE account_id = :id")
    int deleteTokens(@Bind("id") UUID accountId);

    @SqlUpdate("DELETE FROM account_exports WHERE account_id = :id")
    int deleteExports(@Bind("id") UUID accountId);

    /** Avatars (variants cascade); their blobs are collected by the media collector once no variant names them. */
    @SqlUpdate("DELETE FROM media WHERE target_kind = 'member_avatar' AND target_id = :id")
    int deleteAvatars(@Bind("id") UUID accountId);

    /** Guests' names on the person's seats (the seats stay, cancelled or past, for the events' counts). */
    @SqlUpdate("UPDATE tickets SET guest_name = NULL, updated_at = now() WHERE account_id = :id AND guest_name IS NOT NULL")
    int forgetGuestNames(@Bind("id") UUID accountId);

    /** The values the person gave their communities' member fields (phone, birth date...), on every membership. */
    @SqlUpdate("UPDATE memberships SET fields = '{}' WHERE account_id = :id AND fields <> '{}'")
    int forgetMemberFields(@Bind("id") UUID accountId);

    /** What admins wrote back to the person's membership requests. */
    @SqlUpdate("UPDATE membership_requests SET message = NULL WHERE account_id = :id AND message IS NOT NULL")
    int forgetRequestMessages(@Bind("id") UUID accountId);

    @SqlUpdate("DELETE FROM invitations WHERE email = :email AND accepted_at IS NULL")
    int deletePendingInvitations(@Bind("email") String email);

    @SqlUpdate("UPDATE invitations SET email = :pseudonym WHERE email = :email")
    int pseudonymiseInvitations(@Bind("email") String email, @Bind("pseudonym") String pseudonym);

    @SqlUpdate("DELETE FROM newsletter_recipients WHERE email = :email")
    int deleteNewsletterRecipients(@Bind("email") String email);

    @SqlUpdate("DELETE FROM newsletter_unsubscribes WHERE email = :email")
    int deleteUnsubscribes(@Bind("email") String email);

    @SqlUpdate("DELETE FROM email_suppressions WHERE email = :email")
    int deleteSuppressions(@Bind("email") String email);

    @SqlUpdate("DELETE FROM sendgrid_events WHERE email = :email")
    int deleteSendGridEvents(@Bind("email") String email);

    /**
     * The row stays (payments, receipts, posts point at it) under a pseudonym: no name, an address that can
     * never receive mail or sign in, and a password hash no password matches. The address is free again.
     */
    @SqlUpdate("""
            UPDATE accounts SET email = :pseudonym, name = :name, password_hash = '!erased', email_verified_at = NULL,
                   platform_operator = false, erasure_cursor_id = NULL, erased_at = :at, updated_at = now()
             WHERE id = :id AND erased_at IS NULL
            """)
    int pseudonymise(@Bind("id") UUID accountId, @Bind("pseudonym") String pseudonym, @Bind("name") String name,
                     @Bind("at") Instant at);
}
