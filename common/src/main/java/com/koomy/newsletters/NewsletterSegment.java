package com.koomy.newsletters;

import java.util.Arrays;
import java.util.Optional;

/**
 * Who a newsletter goes to, among a community's active members, resolved when it is sent (not when it
 * is written). {@link #PREDICATE} is the one SQL condition for all of them, on {@code memberships m},
 * with binds {@code :segment} and {@code :eventId}: the audience count shown before sending and the
 * snapshot taken at send time use the same text.
 */
public enum NewsletterSegment {
    /** Every active member. */
    all,
    /** Dues paid up to today or later. */
    dues_paid,
    /** Dues never paid, or paid until a day before today. */
    dues_overdue,
    /** Holding a confirmed or waitlisted seat at the newsletter's event. */
    event,
    /** Owners and admins. */
    admins;

    public static final String PREDICATE = """
            m.status = 'active'
            AND (CAST(:segment AS text) = 'all'
              OR (CAST(:segment AS text) = 'admins' AND m.role IN ('owner', 'admin'))
              OR (CAST(:segment AS text) = 'dues_paid' AND m.dues_paid_until >= current_date)
              OR (CAST(:segment AS text) = 'dues_overdue' AND (m.dues_paid_until IS NULL OR m.dues_paid_until < current_date))
              OR (CAST(:segment AS text) = 'event' AND EXISTS (
                     SELECT 1 FROM tickets t WHERE t.event_id = CAST(:eventId AS uuid) AND t.account_id = m.account_id
                        AND t.status IN ('confirmed', 'waitlisted'))))
            """;

    public static Optional<NewsletterSegment> byName(String name) {
        return Arrays.stream(values()).filter(s -> s.name().equals(name)).findFirst();
    }
}
