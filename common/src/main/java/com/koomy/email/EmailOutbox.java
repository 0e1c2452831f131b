package com.koomy.email;

import com.koomy.newsletters.Newsletters;
import org.jdbi.v3.core.Handle;

import java.util.Optional;
import java.util.UUID;

/**
 * The one way the platform sends mail: {@link #enqueue} records the email and its delivery in the
 * caller's transaction (so an email exists exactly when the business change that causes it
 * commits); the worker's relay turns the outbox row into a delivery job. A second enqueue with the
 * same idempotency key changes nothing and returns the first email's id.
 */
public final class EmailOutbox {

    private static final String INSERT = """
            WITH stored AS (
                INSERT INTO emails (id, idempotency_key, community_id, template, locale, recipients, variables,
                                    bulk, newsletter_id, batch_no, held)
                VALUES (:id, :key, CAST(:communityId AS uuid), :template, :locale, CAST(:recipients AS jsonb),
                        CAST(:variables AS jsonb), :bulk, CAST(:newsletterId AS uuid), :batchNo, :held)
                ON CONFLICT (idempotency_key) DO NOTHING
                RETURNING id, held),
            queued AS (
                INSERT INTO outbox (kind, ref)
                SELECT '%s', id::text FROM stored WHERE NOT held)
            SELECT id FROM stored
            """.formatted(Email.OUTBOX_KIND);

    private EmailOutbox() {
    }

    /** Queues the message for delivery; returns its id (the existing one for a repeated key). */
    public static UUID enqueue(Handle handle, EmailMessage message) {
        return enqueue(handle, message, null, null, false);
    }

    /** A newsletter batch; a held batch waits for {@link Newsletters#release} to queue it. */
    static UUID enqueue(Handle handle, EmailMessage message, UUID newsletterId, Integer batchNo, boolean held) {
        Optional<UUID> inserted = handle.createQuery(INSERT)
                .bind("id", UUID.randomUUID())
                .bind("key", message.idempotencyKey())
                .bind("communityId", message.communityId())
                .bind("template", message.template().id())
                .bind("locale", message.locale())
                .bind("recipients", EmailJson.recipients(message.recipients()))
                .bind("variables", EmailJson.variables(message.variables()))
                .bind("bulk", message.template().bulk())
                .bind("newsletterId", newsletterId)
                .bind("batchNo", batchNo)
                .bind("held", held)
                .mapTo(UUID.class)
                .findOne();
        return inserted.orElseGet(() -> handle.attach(EmailDao.class).findByKey(message.idempotencyKey())
                .map(Email::id)
                .orElseThrow(() -> new IllegalStateException("email " + message.idempotencyKey() + " conflicted but is not stored")));
    }

    /**
     * Puts an email back on the delivery path (an operator's resend). The outbox ref carries a
     * suffix because JobRunr keeps the first delivery job's id for days and would skip a new job
     * with the same id; {@link #emailId} reads the email id back.
     */
    public static void requeue(Handle handle, UUID emailId, String reason) {
        handle.createUpdate("INSERT INTO outbox (kind, ref) VALUES (:kind, :ref)")
                .bind("kind", Email.OUTBOX_KIND)
                .bind("ref", emailId + "#" + reason + "-" + System.currentTimeMillis())
                .execute();
    }

    /** The email id of an outbox ref: {@code <uuid>} or {@code <uuid>#<why it was queued again>}. */
    public static UUID emailId(String outboxRef) {
        int hash = outboxRef.indexOf('#');
        return UUID.fromString(hash < 0 ? outboxRef : outboxRef.substring(0, hash));
    }
}
