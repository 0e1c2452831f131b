package com.koomy.newsletters;

import com.koomy.email.Email;
import com.koomy.email.EmailMessage;
import com.koomy.email.Recipient;
import com.koomy.jobs.OutboxDao;
import org.jdbi.v3.core.Handle;

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
            NewsletterBatchDao newsletters = h.attach(NewsletterBatchDao.class);
            Optional<UUID> inserted = newsletters.insert(new NewsletterBatchDao.Queued(UUID.randomUUID(), request.communityId(),
                    request.communityName(), request.idempotencyKey(), request.locale(), request.subject(), request.body()));
            if (inserted.isEmpty()) {
                return newsletters.byKey(request.idempotencyKey());
            }
            h.attach(OutboxDao.class).add(OUTBOX_KIND, inserted.get().toString());
            return recipients(h, inserted.get(), request.recipients());
        });
    }

    private static UUID recipients(Handle handle, UUID id, List<Recipient> recipients) {
        if (!recipients.isEmpty()) {
            handle.attach(NewsletterBatchDao.class).addRecipients(id, recipients.stream().map(Recipient::email).toList(),
                    recipients.stream().map(Recipient::name).toList());
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
        NewsletterBatchDao newsletters = handle.attach(NewsletterBatchDao.class);
        newsletters.lock(batch.newsletterId());
        List<UUID> released = release(handle, batch.newsletterId());
        if (!released.isEmpty()) {
            return released;
        }
        newsletters.markSentIfDone(batch.newsletterId());
        return List.of();
    }

    /**
     * Queues held batches of the newsletter, lowest first, until {@link #WINDOW} are in flight (queued,
     * or sending within a lease; a batch held in {@code sending} for an operator after a crash does not
     * take a place, or two crashes would stop the newsletter); returns how many it queued. The caller
     * holds the newsletter's row lock.
     */
    public static List<UUID> release(Handle handle, UUID newsletterId) {
        List<UUID> released = handle.attach(NewsletterBatchDao.class).release(newsletterId, WINDOW);
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
