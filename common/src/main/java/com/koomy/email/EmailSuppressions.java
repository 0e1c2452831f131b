package com.koomy.email;

import com.koomy.email.sendgrid.SendGridEvent;
import com.koomy.email.sendgrid.SendGridEventBatchResult;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The suppression list as the rest of Koomy uses it: the sending pipeline asks {@link #suppresses}
 * before every send; the SendGrid webhook hands its verified batches to {@link #record}.
 */
public final class EmailSuppressions {

    private static final Logger LOG = LoggerFactory.getLogger(EmailSuppressions.class);

    private EmailSuppressions() {
    }

    /**
     * Which of these recipients must not receive this email, in one query: scope {@code all} blocks
     * every email, scope {@code bulk} only bulk mail (the rule of {@link #suppresses}, for a batch).
     */
    public static List<Recipient> suppressedAmong(Handle handle, List<Recipient> recipients, boolean bulk) {
        return suppressedAmong(handle, recipients, bulk, null);
    }

    /**
     * The same, and for a newsletter of {@code newsletterCommunity} (null for any other email) also the
     * addresses unsubscribed from that community's newsletters ({@code newsletter_unsubscribes}).
     */
    public static List<Recipient> suppressedAmong(Handle handle, List<Recipient> recipients, boolean bulk,
                                                  java.util.UUID newsletterCommunity) {
        java.util.Set<String> blocked = handle.attach(EmailSuppressionDao.class)
                .blocked(recipients.stream().map(Recipient::email).toArray(String[]::new), bulk, newsletterCommunity);
        return recipients.stream().filter(r -> blocked.contains(r.email())).toList();
    }

    public static Optional<Suppression> find(Handle handle, String email) {
        Objects.requireNonNull(email, "email");
        return handle.attach(EmailSuppressionDao.class).find(EmailAddresses.normalize(email));
    }

    /**
     * Whether a message to this address must not be sent. {@code bulk} is true for newsletters and
     * reminders, false for transactional mail (receipts, password resets), which only a bounce,
     * a drop, a spam report or an operator stops.
     */
    public static boolean suppresses(Handle handle, String email, boolean bulk) {
        return find(handle, email).map(s -> s.stops(bulk)).orElse(false);
    }

    /** Suppresses an address by hand (reason manual, every email), or strengthens its suppression. */
    public static boolean suppressManually(Handle handle, String email, String detail) {
        Objects.requireNonNull(email, "email");
        return handle.attach(EmailSuppressionDao.class)
                .suppress(EmailAddresses.normalize(email), SuppressionReason.manual, SuppressionReason.manual.scope(), detail, null);
    }

    /**
     * Stores a batch of SendGrid events and applies the new ones to the suppression list, all in one
     * transaction (the caller's, if it has one). Events already stored (a redelivered batch) change
     * nothing. SendGrid does not promise order within a batch, so events are applied oldest first.
     */
    public static SendGridEventBatchResult record(Handle handle, List<SendGridEvent> events) {
        return handle.inTransaction(h -> {
            EmailSuppressionDao dao = h.attach(EmailSuppressionDao.class);
            List<SendGridEvent> oldestFirst = events.stream()
                    .sorted(Comparator.comparing(SendGridEvent::occurredAt)).toList();
            int stored = 0;
            int suppressed = 0;
            int lifted = 0;
            for (SendGridEvent event : oldestFirst) {
                if (!dao.insertEvent(event)) {
                    continue;
                }
                stored++;
                Optional<SuppressionReason> reason = event.suppression();
                if (reason.isPresent()) {
                    if (dao.suppress(event.email(), reason.get(), reason.get().scope(), event.detail(), event.sgEventId())) {
                        suppressed++;
                    }
                } else if (event.liftsGroupUnsubscribe()) {
                    String group = event.asmGroupId() == null ? null : event.asmGroupId().toString();
                    if (dao.liftGroupUnsubscribe(event.email(), group, event.occurredAt())) {
                        lifted++;
                    }
                } else if ((event.email() == null || event.email().isBlank()) && suppressing(event.event())) {
                    // Addresses are not logged; the event id finds the row in sendgrid_events.
                    LOG.warn("SendGrid {} event {} has no email address; stored, nothing suppressed",
                            event.event(), event.sgEventId());
                }
            }
            return new SendGridEventBatchResult(events.size(), stored, suppressed, lifted);
        });
    }

    private static boolean suppressing(String event) {
        return switch (event) {
            case "bounce", "dropped", "spamreport", "unsubscribe", "group_unsubscribe", "group_resubscribe" -> true;
            default -> false;
        };
    }
}
