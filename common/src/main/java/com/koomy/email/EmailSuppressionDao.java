package com.koomy.email;

import com.koomy.email.sendgrid.SendGridEvent;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.Optional;

/**
 * The suppression list and the SendGrid events it is built from. Addresses are lower-cased in SQL,
 * in their normal form ({@link EmailAddresses#normalize}, applied by the callers), so any spelling finds the row.
 */
public interface EmailSuppressionDao {

    @SqlQuery("SELECT * FROM email_suppressions WHERE email = :email")
    @RegisterConstructorMapper(Suppression.class)
    Optional<Suppression> find(@Bind("email") String email);

    /**
     * Stores an event unless SendGrid delivered it before; false for a redelivery. sendgrid_events is partitioned
     * by month (V36), so its own keys are unique per month only: the id goes into sendgrid_event_ids first, in the
     * same statement, and an id already there (in any month) inserts neither row.
     */
    @SqlUpdate("""
            WITH id AS (INSERT INTO sendgrid_event_ids (sg_event_id) VALUES (:sgEventId)
                        ON CONFLICT (sg_event_id) DO NOTHING RETURNING sg_event_id, received_at)
            INSERT INTO sendgrid_events (sg_event_id, event, email, koomy_key, sg_message_id, occurred_at, payload, received_at)
            SELECT sg_event_id, :event, :email, :koomyKey, :sgMessageId, :occurredAt, CAST(:payload AS jsonb), received_at
              FROM id
            """)
    boolean insertEvent(@BindMethods SendGridEvent event);

    /**
     * Adds a suppression, or replaces one that is weaker: scope all beats bulk, and a full unsubscribe
     * beats a group unsubscribe (so that a group resubscribe cannot lift it). An equal or weaker
     * reason leaves the row as it is: the first cause stays on record, and scope never goes down.
     * Returns whether the row was written.
     */
    @SqlUpdate("""
            INSERT INTO email_suppressions AS s (email, reason, scope, detail, sg_event_id)
            VALUES (:email, :reason, :scope, :detail, :sgEventId)
            ON CONFLICT (email) DO UPDATE
               SET reason = excluded.reason, scope = excluded.scope, detail = excluded.detail,
                   sg_event_id = excluded.sg_event_id, updated_at = now()
             WHERE (CASE WHEN excluded.scope = 'all' THEN 3 WHEN excluded.reason = 'group_unsubscribe' THEN 1 ELSE 2 END)
                 > (CASE WHEN s.scope = 'all' THEN 3 WHEN s.reason = 'group_unsubscribe' THEN 1 ELSE 2 END)
            """)
    boolean suppress(@Bind("email") String email, @Bind("reason") SuppressionReason reason,
                     @Bind("scope") SuppressionScope scope, @Bind("detail") String detail,
                     @Bind("sgEventId") String sgEventId);

    /**
     * Lifts a group unsubscribe when the recipient resubscribed to that same group after it. The
     * group and time come from the event that caused the suppression; a suppression with no such
     * event on record (entered by hand) is lifted too.
     */
    @SqlUpdate("""
            DELETE FROM email_suppressions s
             WHERE s.email = :email AND s.reason = 'group_unsubscribe'
               AND NOT EXISTS (SELECT 1 FROM sendgrid_events e
                                WHERE e.sg_event_id = s.sg_event_id
                                  AND (e.occurred_at > :resubscribedAt
                                       OR e.payload ->> 'asm_group_id' IS DISTINCT FROM :asmGroupId))
            """)
    boolean liftGroupUnsubscribe(@Bind("email") String email, @Bind("asmGroupId") String asmGroupId,
                                 @Bind("resubscribedAt") Instant resubscribedAt);

    /** A SendGrid event of one of our emails: its name and SendGrid's message id. */
    record KeyEvent(String event, String sgMessageId) {
    }

    /**
     * Which of {@code emails} must not get this message: suppressed (for all mail, or for bulk mail when
     * {@code bulk}), or unsubscribed from the newsletters of {@code community} (null: no newsletter).
     */
    @SqlQuery("""
            SELECT email FROM email_suppressions
             WHERE email = ANY(:emails) AND (scope = 'all' OR :bulk)
            UNION
            SELECT email FROM newsletter_unsubscribes
             WHERE community_id = CAST(:community AS uuid) AND email = ANY(:emails)
            """)
    java.util.Set<String> blocked(@Bind("emails") String[] emails, @Bind("bulk") boolean bulk,
                                  @Bind("community") java.util.UUID community);

    /** Whether SendGrid's webhook brought a processed event of any mail since then (is the webhook flowing?). */
    @SqlQuery("""
            SELECT EXISTS (SELECT 1 FROM sendgrid_events WHERE event = 'processed' AND occurred_at > :since)
            """)
    boolean processedSince(@Bind("since") Instant since);

    /** The first SendGrid event of the email with this koomy_key. */
    @SqlQuery("""
            SELECT event, sg_message_id FROM sendgrid_events WHERE koomy_key = :key
             ORDER BY occurred_at LIMIT 1
            """)
    @RegisterConstructorMapper(KeyEvent.class)
    Optional<KeyEvent> firstEvent(@Bind("key") String koomyKey);
}
