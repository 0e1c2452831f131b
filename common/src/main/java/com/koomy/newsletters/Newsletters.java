package com.koomy.newsletters;

import com.koomy.email.Email;
import com.koomy.email.EmailMessage;
import com.koomy.email.Recipient;
import com.koomy.jobs.OutboxDao;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Newsletters: queued with their audience in the caller's transaction, split by {@link
 * FanOutNewsletterJob} into batch emails of at most 1,000 recipients (one SendGrid request each,
 * idempotency key {@code newsletter:<id>:<batch>}), of which only {@link #WINDOW} are on the job
 * queue at a time: each batch that ends releases the next. So a 50,000-recipient newsletter never
 * puts 50 jobs ahead of somebody's password reset in JobRunr's single queue.
 */
public final class Newsletters {

    /** The outbox kind whose ref is a newsletter id: "fan this newsletter out". */
    public static final String OUTBOX_KIND = "newsletter";
    public static final int BATCH_SIZE = EmailMessage.MAX_RECIPIENTS;
    public static final int WINDOW = 2;

    private Newsletters() {
    }

    /**
     * The outbox ref of a newsletter to send: its id, or {@code <id>@<epoch second>} when scheduled (the
     * relay schedules the fan-out job for that time; a rescheduled newsletter gets a new job id).
     */
    public static String outboxRef(UUID id, java.time.Instant at) {
        return at == null ? id.toString() : id + "@" + at.getEpochSecond();
    }

    /** The newsletter id of an outbox ref. */
    public static UUID newsletterId(String outboxRef) {
        int at = outboxRef.indexOf('@');
        return UUID.fromString(at < 0 ? outboxRef : outboxRef.substring(0, at));
    }

    /** When the fan-out of this outbox ref is due; null: now. */
    public static java.time.Instant dueAt(String outboxRef) {
        int at = outboxRef.indexOf('@');
        return at < 0 ? null : java.time.Instant.ofEpochSecond(Long.parseLong(outboxRef.substring(at + 1)));
    }

    /** Queues the newsletter; returns its id (the existing one for a repeated idempotency key). */
    public static UUID enqueue(Handle handle, NewsletterRequest request) {
        // Its own transaction when the caller has none: the newsletter and its outbox row commit together.
        return handle.inTransaction(h -> {
            Optional<UUID> inserted = h.createQuery("""
                            INSERT INTO newsletters (id, community_id, community_name, idempotency_key, locale, subject, body)
                            VALUES (:id, :communityId, :communityName, :key, :locale, :subject, :body)
                            ON CONFLICT (idempotency_key) DO NOTHING
                            RETURNING id
                            """)
                    .bind("id", UUID.randomUUID())
                    .bind("communityId", request.communityId())
                    .bind("communityName", request.communityName())
                    .bind("key", request.idempotencyKey())
                    .bind("locale", request.locale())
                    .bind("subject", request.subject())
                    .bind("body", request.body())
                    .mapTo(UUID.class)
                    .findOne();
            if (inserted.isEmpty()) {
                return h.createQuery("SELECT id FROM newsletters WHERE idempotency_key = :key")
                        .bind("key", request.idempotencyKey()).mapTo(UUID.class).one();
            }
            h.attach(OutboxDao.class).add(OUTBOX_KIND, inserted.get().toString());
            return recipients(h, inserted.get(), request.recipients());
        });
    }

    private static UUID recipients(Handle handle, UUID id, List<Recipient> recipients) {
        PreparedBatch batch = handle.prepareBatch("""
                INSERT INTO newsletter_recipients (newsletter_id, email, name) VALUES (:id, :email, :name)
                ON CONFLICT DO NOTHING
                """);
        for (Recipient recipient : recipients) {
            batch.bind("id", id).bind("email", recipient.email()).bind("name", recipient.name()).add();
        }
        if (!recipients.isEmpty()) {
            batch.execute();
        }
        return id;
    }

    /**
     * Called in the transaction that settles a batch (sent, failed or suppressed): queues the next
     * held batch of the same newsletter, or marks the newsletter sent after its last batch once the
     * fan-out has written them all. Returns the batches it queued (the caller may deliver one at once).
     */
    public static List<UUID> afterBatch(Handle handle, Email batch) {
        if (batch.newsletterId() == null) {
            return List.of();
        }
        // The newsletter's row orders this with the fan-out's pages, which release batches too. NO KEY UPDATE, not
        // UPDATE: a fan-out page holds KEY SHARE on this row from its batches' foreign keys until it takes this same
        // lock; FOR UPDATE waited for that page while the page waited for it (deadlocks, the fan-out retried with
        // JobRunr's back-off: 1,000,000 members stalled at 115 batches for minutes).
        handle.createQuery("SELECT id FROM newsletters WHERE id = :id FOR NO KEY UPDATE")
                .bind("id", batch.newsletterId()).mapTo(UUID.class).findOne();
        List<UUID> released = release(handle, batch.newsletterId());
        if (!released.isEmpty()) {
            return released;
        }
        handle.createUpdate("""
                        UPDATE newsletters SET status = 'sent', sent_at = now(), updated_at = now()
                         WHERE id = :newsletterId AND status = 'sending' AND fanned_out_at IS NOT NULL
                           AND NOT EXISTS (SELECT 1 FROM emails WHERE newsletter_id = :newsletterId
                                            AND status IN ('queued', 'sending'))
                        """)
                .bind("newsletterId", batch.newsletterId())
                .execute();
        return List.of();
    }

    /**
     * Queues held batches of the newsletter, lowest first, until {@link #WINDOW} are in flight (queued,
     * or sending within a lease; a batch held in {@code sending} for an operator after a crash does not
     * take a place, or two crashes would stop the newsletter); returns how many it queued. The caller
     * holds the newsletter's row lock.
     */
    public static List<UUID> release(Handle handle, UUID newsletterId) {
        List<UUID> released = handle.createQuery("""
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
                .bind("id", newsletterId)
                .bind("window", WINDOW)
                .mapTo(UUID.class)
                .list();
        handle.attach(OutboxDao.class).addAll(Email.OUTBOX_KIND, released);
        return released;
    }

    /** The template's variables: the Markdown body rendered once per newsletter, not per batch. */
    public static Map<String, Object> variables(String communityName, String subject, String body) {
        return Map.of("communityName", communityName == null ? "" : communityName, "subject", subject, "body", body,
                "bodyHtml", NewsletterMarkdown.html(body), "bodyText", NewsletterMarkdown.text(body),
                "unsubscribeUrl", ListUnsubscribe.URL_PLACEHOLDER);
    }
}
