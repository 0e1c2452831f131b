package com.koomy.email.sendgrid;

import com.koomy.email.EmailAddresses;
import com.koomy.email.SuppressionReason;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One event of SendGrid's event webhook, with the fields we act on and the event's JSON as received.
 *
 * @param reason     SendGrid's {@code reason} (bounce and dropped events), not ours
 * @param type       {@code bounce} or {@code blocked} on bounce events
 * @param status     the SMTP status of a bounce, e.g. {@code 5.1.1}
 * @param asmGroupId the unsubscribe group of group_unsubscribe / group_resubscribe events
 * @param koomyKey   the custom arg {@code koomy_key} we put on every message
 */
public record SendGridEvent(String sgEventId, String event, String email, String koomyKey, String sgMessageId,
                            Instant occurredAt, String reason, String type, String status, Long asmGroupId,
                            String payload) {

    /**
     * Drop reasons that are about the address rather than about our message. "Invalid SMTPAPI header"
     * also starts with "Invalid" but is our own mistake, so it suppresses nothing.
     */
    private static final List<String> ADDRESS_DROP_REASONS =
            List.of("bounced address", "invalid", "unsubscribed", "spam reporting address");
    private static final String OUR_OWN_DROP_REASON = "invalid smtpapi header";

    public SendGridEvent {
        Objects.requireNonNull(sgEventId, "sgEventId");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(payload, "payload");
        email = email == null || email.isBlank() ? email : EmailAddresses.normalize(email);
    }

    /** The suppression this event calls for, if any; an event without an address can call for none. */
    public Optional<SuppressionReason> suppression() {
        if (email == null || email.isBlank()) {
            return Optional.empty();
        }
        return Optional.ofNullable(switch (event) {
            // type "blocked" is a temporary refusal by the receiving server (reputation, rate):
            // the address itself is fine. Old bounce events carry no type and are hard bounces.
            case "bounce" -> type == null || type.equals("bounce") ? SuppressionReason.bounce : null;
            case "dropped" -> droppedForTheAddress() ? SuppressionReason.dropped : null;
            case "spamreport" -> SuppressionReason.spamreport;
            case "unsubscribe" -> SuppressionReason.unsubscribe;
            case "group_unsubscribe" -> SuppressionReason.group_unsubscribe;
            default -> null;
        });
    }

    /** Whether this event lifts a group unsubscribe (the recipient subscribed to the group again). */
    public boolean liftsGroupUnsubscribe() {
        return event.equals("group_resubscribe") && email != null && !email.isBlank();
    }

    /** A line for people reading the suppression: SendGrid's words, not ours. */
    public String detail() {
        return switch (event) {
            case "bounce" -> join(status, reason);
            case "dropped" -> reason;
            case "group_unsubscribe" -> asmGroupId == null ? null : "unsubscribe group " + asmGroupId;
            default -> null;
        };
    }

    private boolean droppedForTheAddress() {
        if (reason == null) {
            return false;
        }
        String r = reason.toLowerCase(Locale.ROOT);
        return !r.contains(OUR_OWN_DROP_REASON) && ADDRESS_DROP_REASONS.stream().anyMatch(r::contains);
    }

    private static String join(String first, String second) {
        if (first == null || first.isBlank()) {
            return second;
        }
        return second == null || second.isBlank() ? first : first + " " + second;
    }
}
