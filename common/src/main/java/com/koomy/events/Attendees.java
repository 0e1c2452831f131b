package com.koomy.events;

import com.koomy.csv.Csv;
import com.koomy.db.KeysetCursor;
import com.koomy.db.Page;
import com.koomy.errors.ApiException;
import com.koomy.memberships.Memberships;

import org.jdbi.v3.core.Jdbi;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

/**
 * An event's attendee list (pretix's check-in list): every seat with its status, admission time and gate,
 * for the community's owners and admins and the event's door staff ({@link ScannerAccess}); as pages or
 * CSV (written a page at a time). Owners and admins also mark a confirmed seat that never came as a no-show.
 */
public class Attendees {

    public static final String[] CSV_HEADER = {"ticket_id", "account_id", "name", "email", "guest_name", "status",
            "waitlist_position", "registered_at", "confirmed_at", "cancelled_at", "checked_in_at", "gate", "no_show_at"};
    private static final int CSV_PAGE = 1000;

    private final Jdbi jdbi;
    private final ScannerAccess access;

    public Attendees(Jdbi jdbi, ScannerAccess access) {
        this.jdbi = jdbi;
        this.access = access;
    }

    /** 404 event_not_found (unknown or not visible), 403 members who are neither managers nor the event's door staff. */
    public void requireAllowed(UUID eventId, UUID callerId) {
        access.require(eventId, callerId);
    }

    public Page<Attendee> page(UUID eventId, UUID callerId, AttendeeQuery query, int limit, KeysetCursor after) {
        query.validate();
        requireAllowed(eventId, callerId);
        return Page.of(rows(eventId, query, limit + 1, after), limit,
                a -> new KeysetCursor(a.registeredAt().toString(), a.ticketId()).encode());
    }

    /** Checked with {@link #requireAllowed} and {@link AttendeeQuery#validate} first; returns the rows written. */
    public long writeCsv(UUID eventId, AttendeeQuery query, OutputStream stream) throws IOException {
        Csv out = Csv.to(stream).row(CSV_HEADER);
        long n = 0;
        KeysetCursor after = null;
        while (true) {
            List<Attendee> rows = rows(eventId, query, CSV_PAGE, after);
            for (Attendee a : rows) {
                out.row(a.ticketId().toString(), a.accountId().toString(), a.name(), a.email(), a.guestName(), a.status(),
                        a.waitlistPosition() == null ? "" : a.waitlistPosition().toString(), text(a.registeredAt()),
                        text(a.confirmedAt()), text(a.cancelledAt()), text(a.checkedInAt()), a.gate(), text(a.noShowAt()));
                n++;
            }
            if (rows.size() < CSV_PAGE) {
                break;
            }
            Attendee last = rows.get(rows.size() - 1);
            after = new KeysetCursor(last.registeredAt().toString(), last.ticketId());
        }
        out.flush();
        return n;
    }

    /**
     * Owners and admins: marks a confirmed seat not admitted as a no-show (again: no change). 404
     * ticket_not_found; 409 not_confirmed, already_checked_in.
     */
    public Attendee markNoShow(UUID eventId, UUID callerId, UUID ticketId) {
        return jdbi.inTransaction(handle -> {
            Event event = handle.attach(EventDao.class).find(eventId).orElseThrow(EventErrors::notFound);
            if (!Events.canSee(handle, event, callerId)) {
                throw EventErrors.notFound();
            }
            Memberships.requireManager(Events.membership(handle, event.communityId(), callerId));
            TicketDao tickets = handle.attach(TicketDao.class);
            Ticket ticket = tickets.lockInEvent(eventId, ticketId).orElseThrow(EventErrors::ticketNotFound);
            if (!ticket.isConfirmed()) {
                throw new ApiException(409, "not_confirmed", "ticketId: only a confirmed seat can be a no-show");
            }
            if (handle.attach(CheckinDao.class).count(ticketId) > 0) {
                throw new ApiException(409, "already_checked_in", "ticketId: this seat was admitted at the door");
            }
            tickets.markNoShow(ticketId);
            return handle.attach(AttendeeDao.class).find(eventId, ticketId).orElseThrow();
        });
    }

    private List<Attendee> rows(UUID eventId, AttendeeQuery query, int limit, KeysetCursor after) {
        Instant afterAt;
        try {
            afterAt = after == null ? null : Instant.parse(after.text());
        } catch (DateTimeParseException e) {
            throw KeysetCursor.invalid();
        }
        return jdbi.withExtension(AttendeeDao.class, dao -> dao.page(eventId, query, afterAt,
                after == null ? null : after.id(), limit));
    }

    private static String text(Instant instant) {
        return instant == null ? "" : instant.toString();
    }
}
