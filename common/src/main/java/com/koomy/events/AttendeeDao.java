package com.koomy.events;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The attendee list of an event in registration order (keyset on created_at, id). */
@RegisterConstructorMapper(Attendee.class)
public interface AttendeeDao {

    String SELECT = """
            SELECT t.id AS ticket_id, t.account_id, a.name, a.email, t.guest_name, t.status,
                   CASE WHEN t.status = 'waitlisted' THEN
                        (SELECT count(*) FROM tickets w WHERE w.event_id = t.event_id AND w.status = 'waitlisted'
                            AND (w.created_at, w.id) <= (t.created_at, t.id)) END AS waitlist_position,
                   t.created_at AS registered_at, t.confirmed_at, t.cancelled_at, c.admitted_at AS checked_in_at, c.gate,
                   t.no_show_at
              FROM tickets t JOIN accounts a ON a.id = t.account_id LEFT JOIN checkins c ON c.ticket_id = t.id
             WHERE t.event_id = :eventId
            """;

    @SqlQuery(SELECT + """
               AND (CAST(:q.status AS text) IS NULL OR t.status = CAST(:q.status AS text))
               AND (CAST(:q.checkedIn AS boolean) IS NULL OR (c.ticket_id IS NOT NULL) = CAST(:q.checkedIn AS boolean))
               AND (CAST(:q.gate AS text) IS NULL OR c.gate = CAST(:q.gate AS text))
               AND (CAST(:q.noShow AS boolean) IS NULL OR (t.no_show_at IS NOT NULL) = CAST(:q.noShow AS boolean))
               AND (CAST(:afterAt AS timestamptz) IS NULL OR (t.created_at, t.id) > (CAST(:afterAt AS timestamptz), CAST(:afterId AS uuid)))
             ORDER BY t.created_at, t.id
             LIMIT :limit
            """)
    List<Attendee> page(@Bind("eventId") UUID eventId, @BindMethods("q") AttendeeQuery q, @Bind("afterAt") Instant afterAt,
                        @Bind("afterId") UUID afterId, @Bind("limit") int limit);

    @SqlQuery(SELECT + " AND t.id = :ticketId")
    java.util.Optional<Attendee> find(@Bind("eventId") UUID eventId, @Bind("ticketId") UUID ticketId);
}
