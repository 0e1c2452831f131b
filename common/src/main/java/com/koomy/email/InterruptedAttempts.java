package com.koomy.email;

import com.codahale.metrics.MetricRegistry;
import com.koomy.newsletters.Newsletters;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * An attempt that may have died in SendGrid's hands (the worker killed after {@code sending} was committed,
 * or a request whose answer never came): SendGrid's mail/send takes no idempotency key, so sending again
 * may send twice, and not sending may send never. What settles it is SendGrid's event webhook: every
 * request SendGrid accepts gives each of its recipients a {@code processed} (or {@code dropped}) event
 * carrying our {@code custom_args.koomy_key}, stored in {@code sendgrid_events} by the API's webhook.
 * <ul>
 * <li>an event with the email's key: SendGrid took it; the row is {@code sent} (never sent again);</li>
 * <li>no event {@code resendAfter} after the hold, <b>and</b> SendGrid's webhook has since delivered a
 *     {@code processed} event of mail it took after the hold (the event stream is known to flow): the
 *     email is sent again;</li>
 * <li>no event webhook configured ({@code resendAfter} null): it stays {@code sending} for an operator
 *     ({@code POST /api/ops/emails/{id}/resend} or {@code .../mark-sent}), as before.</li>
 * </ul>
 * The residual risk (a second copy): SendGrid took the request but its events for it reach us later than
 * {@code resendAfter} after the hold while events of later mail did reach us (SendGrid does not promise
 * order between batches of its webhook). The custom arg {@code koomy_attempt} tells the copies apart.
 * <p>
 * The local sink never gets here: its "send" commits with the row ({@link SendEmailJob}); a row the sink
 * left {@code sending} (an older version) is sent again, nothing having left the process.
 */
final class InterruptedAttempts {

    private static final Logger LOG = LoggerFactory.getLogger(InterruptedAttempts.class);
    /** How long a due resend waits again when SendGrid's webhook has not shown it delivers processed events. */
    static final Duration RECHECK = Duration.ofMinutes(1);

    enum Outcome {
        /** Deliver it again, now. */
        RESEND,
        /** Settled ({@code sent} by an event) or held: nothing more now. */
        DONE
    }

    private final Duration resendAfter;
    private final MetricRegistry metrics;

    /** {@code resendAfter}: null when no event webhook can settle a held email (an operator decides). */
    InterruptedAttempts(Duration resendAfter, MetricRegistry metrics) {
        this.resendAfter = resendAfter;
        this.metrics = metrics;
    }

    /**
     * For a row {@code sending} whose lease has passed (the attempt died) or that is held ({@code lease_until}
     * null). The caller holds the row's lock.
     */
    Outcome resolve(Handle handle, Email email, EmailTemplate template, Instant now) {
        if (template.resendAfterInterruption() || SinkMailer.NAME.equals(email.provider())) {
            LOG.warn("Email {} ({}) was interrupted while sending; sending it again", email.id(), email.idempotencyKey());
            return Outcome.RESEND;
        }
        if (confirmed(handle, email)) {
            return Outcome.DONE;
        }
        if (email.leaseUntil() != null) {
            hold(handle, email, "an attempt was interrupted after SendGrid may have accepted it");
            return Outcome.DONE;
        }
        if (email.retryAt() == null || email.retryAt().isAfter(now)) {
            return Outcome.DONE; // an operator decides, or not yet due
        }
        Instant heldAt = email.heldAt() != null ? email.heldAt() : email.retryAt().minus(resendAfter);
        boolean flowing = handle.attach(EmailSuppressionDao.class).processedSince(heldAt);
        if (!flowing) {
            handle.attach(EmailDao.class).postponeResend(email.id(), now.plus(RECHECK));
            LOG.warn("Email {} ({}): no SendGrid event confirms it, but no processed event of any mail has arrived "
                    + "since it was held ({}): is the event webhook down? Not resent; checked again in {} s",
                    email.id(), email.idempotencyKey(), heldAt, RECHECK.toSeconds());
            return Outcome.DONE;
        }
        metrics.meter("koomy.email.resent-unconfirmed").mark();
        LOG.warn("Email {} ({}): no SendGrid event for it since it was held ({}) while events of later mail arrived; "
                + "SendGrid did not take it: sending it again", email.id(), email.idempotencyKey(), heldAt);
        return Outcome.RESEND;
    }

    /**
     * Holds the row in {@code sending} without a lease: settled by its first SendGrid event, else resent after
     * {@code resendAfter} (or decided by an operator). Its place in a newsletter's window goes to the next batch.
     */
    void hold(Handle handle, Email email, String why) {
        Instant resendAt = resendAfter == null ? null : Instant.now().plus(resendAfter);
        String error = why + (resendAt == null
                ? "; no SendGrid event webhook is configured: an operator must resend it or mark it sent"
                : "; settled by SendGrid's first event for its koomy_key, else sent again after " + resendAt);
        handle.attach(EmailDao.class).hold(email.id(), error, resendAt);
        Newsletters.afterBatch(handle, email);
        metrics.meter("koomy.email.held").mark();
        LOG.error("Email {} ({}) held in 'sending': {}", email.id(), email.idempotencyKey(), error);
    }

    /** Whether SendGrid's webhook brought an event of this email: then it is {@code sent}. */
    private boolean confirmed(Handle handle, Email email) {
        Optional<EmailSuppressionDao.KeyEvent> event = handle.attach(EmailSuppressionDao.class)
                .firstEvent(email.idempotencyKey());
        if (event.isEmpty()) {
            return false;
        }
        // An event's sg_message_id is the X-Message-Id of the request, then ".filter…" per recipient.
        String messageId = event.get().sgMessageId() == null ? null : event.get().sgMessageId().split("\\.", 2)[0];
        handle.attach(EmailDao.class).markConfirmed(email.id(), messageId,
                "an interrupted attempt, confirmed by SendGrid's " + event.get().event() + " event");
        Newsletters.afterBatch(handle, email);
        metrics.meter("koomy.email.confirmed-by-event").mark();
        LOG.info("Email {} ({}): SendGrid's {} event shows it took the interrupted attempt; marked sent",
                email.id(), email.idempotencyKey(), event.get().event());
        return true;
    }
}
