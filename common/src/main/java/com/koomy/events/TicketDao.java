package com.koomy.events;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Seats. Writes that change an event's counts run while the caller holds the event's row lock. */
@RegisterConstructorMapper(Ticket.class)
@RegisterConstructorMapper(MyTicket.class)
@RegisterConstructorMapper(TicketHolder.class)
public interface TicketDao {

    @SqlQuery("""
            INSERT INTO tickets (id, event_id, account_id, guest_name, status, confirmed_at)
            VALUES (:id, :eventId, :accountId, :guestName, :status, CASE WHEN :status = 'confirmed' THEN now() END)
            RETURNING *
            """)
    Ticket insert(@Bind("id") UUID id, @Bind("eventId") UUID eventId, @Bind("accountId") UUID accountId,
                  @Bind("guestName") String guestName, @Bind("status") String status);

    @SqlQuery("SELECT * FROM tickets WHERE event_id = :eventId AND id = :id")
    Optional<Ticket> find(@Bind("eventId") UUID eventId, @Bind("id") UUID id);

    @SqlQuery("SELECT count(*) FROM tickets WHERE event_id = :eventId AND account_id = :accountId AND status <> 'cancelled'")
    int activeSeats(@Bind("eventId") UUID eventId, @Bind("accountId") UUID accountId);

    @SqlQuery("""
            UPDATE tickets SET status = 'cancelled', cancelled_at = now(), updated_at = now()
             WHERE event_id = :eventId AND id = :id AND status <> 'cancelled'
            RETURNING *
            """)
    Optional<Ticket> cancel(@Bind("eventId") UUID eventId, @Bind("id") UUID id);

    @SqlUpdate("""
            UPDATE tickets SET status = 'cancelled', cancelled_at = now(), updated_at = now()
             WHERE event_id = :eventId AND status <> 'cancelled'
            """)
    int cancelAll(@Bind("eventId") UUID eventId);

    /** Confirms the {@code seats} oldest waitlisted seats; returns them. */
    @SqlQuery("""
            UPDATE tickets SET status = 'confirmed', confirmed_at = now(), updated_at = now()
             WHERE id = ANY(ARRAY(SELECT id FROM tickets WHERE event_id = :eventId AND status = 'waitlisted'
                                   ORDER BY created_at, id LIMIT :seats))
            RETURNING *
            """)
    List<Ticket> promote(@Bind("eventId") UUID eventId, @Bind("seats") int seats);

    /** A new QR generation: the ticket's earlier QR codes are revoked. */
    @SqlQuery("""
            UPDATE tickets SET serial = serial + 1, updated_at = now()
             WHERE event_id = :eventId AND id = :id AND status = 'confirmed'
            RETURNING *
            """)
    Optional<Ticket> reissue(@Bind("eventId") UUID eventId, @Bind("id") UUID id);

    /**
     * The members-only events of the community where the account holds seats that are not cancelled
     * and whose QR codes could still admit (the event not cancelled, its end after {@code admitsAfter}:
     * now minus the doors' margin), in id order (the order their rows are locked in).
     */
    @SqlQuery("""
            SELECT DISTINCT e.id FROM tickets t JOIN events e ON e.id = t.event_id
             WHERE t.account_id = :accountId AND t.status <> 'cancelled'
               AND e.community_id = :communityId AND e.visibility = 'members' AND e.status = 'scheduled'
               AND e.ends_at > :admitsAfter
             ORDER BY e.id
            """)
    List<UUID> membersOnlyEventsHeld(@Bind("communityId") UUID communityId, @Bind("accountId") UUID accountId,
                                     @Bind("admitsAfter") java.time.Instant admitsAfter);

    /**
     * Every event (members-only or public, of any community) where the account holds seats that are not
     * cancelled and could still admit, in id order: an account's deletion releases them all.
     */
    @SqlQuery("""
            SELECT DISTINCT e.id FROM tickets t JOIN events e ON e.id = t.event_id
             WHERE t.account_id = :accountId AND t.status <> 'cancelled' AND e.status = 'scheduled'
               AND e.ends_at > :admitsAfter
             ORDER BY e.id
            """)
    List<UUID> eventsHeld(@Bind("accountId") UUID accountId, @Bind("admitsAfter") java.time.Instant admitsAfter);

    /** The account's seats at the event that are not cancelled. */
    @SqlQuery("SELECT * FROM tickets WHERE event_id = :eventId AND account_id = :accountId AND status <> 'cancelled' ORDER BY created_at, id")
    List<Ticket> activeOf(@Bind("eventId") UUID eventId, @Bind("accountId") UUID accountId);

    /** 1 for the first in line. */
    @SqlQuery("""
            SELECT count(*) FROM tickets w, tickets t
             WHERE t.id = :id AND w.event_id = t.event_id AND w.status = 'waitlisted'
               AND (w.created_at, w.id) <= (t.created_at, t.id)
            """)
    int waitlistPosition(@Bind("id") UUID id);

    /** Who holds the ticket, for its email and the door's answer. */
    @SqlQuery("""
            SELECT t.id AS ticket_id, t.account_id, a.name, a.email, a.locale, t.guest_name
              FROM tickets t JOIN accounts a ON a.id = t.account_id
             WHERE t.id = :id
            """)
    TicketHolder holder(@Bind("id") UUID id);

    /** The caller's seats (not cancelled) at events not yet ended, soonest first, after the cursor's (starts_at, id). */
    @SqlQuery("""
            SELECT t.id, t.event_id, e.community_id, e.title, e.place, e.starts_at, e.ends_at, e.time_zone,
                   e.status AS event_status, t.status, t.serial, t.guest_name, t.created_at
              FROM tickets t JOIN events e ON e.id = t.event_id
             WHERE t.account_id = :accountId AND t.status <> 'cancelled' AND e.ends_at >= now()
               AND (CAST(:afterAt AS timestamptz) IS NULL
                    OR (e.starts_at, t.id) > (CAST(:afterAt AS timestamptz), CAST(:afterId AS uuid)))
             ORDER BY e.starts_at, t.id
             LIMIT :limit
            """)
    List<MyTicket> upcoming(@Bind("accountId") UUID accountId, @Bind("afterAt") String afterAt,
                            @Bind("afterId") UUID afterId, @Bind("limit") int limit);

    /** The same for ended events, latest first. */
    @SqlQuery("""
            SELECT t.id, t.event_id, e.community_id, e.title, e.place, e.starts_at, e.ends_at, e.time_zone,
                   e.status AS event_status, t.status, t.serial, t.guest_name, t.created_at
              FROM tickets t JOIN events e ON e.id = t.event_id
             WHERE t.account_id = :accountId AND t.status <> 'cancelled' AND e.ends_at < now()
               AND (CAST(:afterAt AS timestamptz) IS NULL
                    OR (e.starts_at, t.id) < (CAST(:afterAt AS timestamptz), CAST(:afterId AS uuid)))
             ORDER BY e.starts_at DESC, t.id DESC
             LIMIT :limit
            """)
    List<MyTicket> past(@Bind("accountId") UUID accountId, @Bind("afterAt") String afterAt,
                        @Bind("afterId") UUID afterId, @Bind("limit") int limit);

    /** Cancelled seats that had a ticket: their QR codes must be refused offline too. */
    @SqlQuery("SELECT id FROM tickets WHERE event_id = :eventId AND status = 'cancelled' AND confirmed_at IS NOT NULL ORDER BY id")
    List<UUID> revoked(@Bind("eventId") UUID eventId);

    /** Confirmed tickets reissued at least once: only QR codes of their current serial admit. */
    @SqlQuery("SELECT id AS ticket_id, serial FROM tickets WHERE event_id = :eventId AND status = 'confirmed' AND serial > 1 ORDER BY id")
    @RegisterConstructorMapper(CheckinBundle.Reissued.class)
    List<CheckinBundle.Reissued> reissued(@Bind("eventId") UUID eventId);

    /** The event's ticket, locked; empty for another event's id. */
    @SqlQuery("SELECT * FROM tickets WHERE event_id = :eventId AND id = :id FOR UPDATE")
    Optional<Ticket> lockInEvent(@Bind("eventId") UUID eventId, @Bind("id") UUID id);

    /** Marks a seat nobody came for (once: the first mark's time stays). */
    @SqlUpdate("UPDATE tickets SET no_show_at = coalesce(no_show_at, now()), updated_at = now() WHERE id = :id")
    void markNoShow(@Bind("id") UUID id);

    /** A waitlisted seat confirmed by a manager; empty when it is not waitlisted (the caller checked, under the event's lock). */
    @SqlQuery("""
            UPDATE tickets SET status = 'confirmed', confirmed_at = now(), updated_at = now()
             WHERE event_id = :eventId AND id = :id AND status = 'waitlisted'
            RETURNING *
            """)
    Optional<Ticket> confirmWaitlisted(@Bind("eventId") UUID eventId, @Bind("id") UUID id);

    /** The account's seats not cancelled, at any event. */
    @SqlQuery("SELECT count(*) FROM tickets WHERE account_id = :id AND status <> 'cancelled'")
    int activeSeats(@Bind("id") UUID accountId);
}
