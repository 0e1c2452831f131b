package com.koomy.email;

import com.koomy.newsletters.Newsletters;
import com.koomy.jobs.OutboxDao;
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

    private EmailOutbox() {
    }

    /** Queues the message for delivery; returns its id (the existing one for a repeated key). */
    public static UUID enqueue(Handle handle, EmailMessage message) {
        return enqueue(handle, message, null, null, false);
    }

    /** A newsletter batch; a held batch waits for {@link Newsletters#release} to queue it. */
    static UUID enqueue(Handle handle, EmailMessage message, UUID newsletterId, Integer batchNo, boolean held) {
        // Its own transaction when the caller has none: the email and its outbox row commit together.
        return handle.inTransaction(h -> {
            EmailDao emails = h.attach(EmailDao.class);
            Optional<UUID> inserted = emails.insert(new EmailDao.NewEmail(UUID.randomUUID(), message.idempotencyKey(),
                    message.communityId(), message.template().id(), message.locale(),
                    EmailJson.recipients(message.recipients()), EmailJson.variables(message.variables()),
                    message.template().bulk(), newsletterId, batchNo, held));
            if (inserted.isPresent() && !held) {
                h.attach(OutboxDao.class).add(Email.OUTBOX_KIND, inserted.get().toString());
            }
            return inserted.orElseGet(() -> emails.findByKey(message.idempotencyKey()).map(Email::id).orElseThrow(
                    () -> new IllegalStateException("email " + message.idempotencyKey() + " conflicted but is not stored")));
        });
    }

    /**
     * Puts an email back on the delivery path (an operator's resend). The outbox ref carries a
     * suffix because JobRunr keeps the first delivery job's id for days and would skip a new job
     * with the same id; {@link #emailId} reads the email id back.
     */
    public static void requeue(Handle handle, UUID emailId, String reason) {
        handle.attach(OutboxDao.class).add(Email.OUTBOX_KIND, emailId + "#" + reason + "-" + System.currentTimeMillis());
    }

    /** The email id of an outbox ref: {@code <uuid>} or {@code <uuid>#<why it was queued again>}. */
    public static UUID emailId(String outboxRef) {
        int hash = outboxRef.indexOf('#');
        return UUID.fromString(hash < 0 ? outboxRef : outboxRef.substring(0, hash));
    }
}
