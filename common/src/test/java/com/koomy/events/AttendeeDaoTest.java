package com.koomy.events;

import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class AttendeeDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static final AttendeeQuery ALL = new AttendeeQuery(null, null, null, null);

    private final EventRows rows = new EventRows(db.jdbi());
    private final AttendeeDao dao = db.jdbi().onDemand(AttendeeDao.class);

    @Test
    void pagesInRegistrationOrderWithWaitlistPositionsAndFilters() {
        UUID event = rows.event(rows.community(), 24, Event.MEMBERS);
        UUID other = rows.event(rows.community(), 24, Event.MEMBERS);
        Ticket ann = rows.ticket(event, rows.account("Ann"), Ticket.CONFIRMED);
        Ticket bob = rows.ticket(event, rows.account("Bob"), Ticket.WAITLISTED);
        Ticket cy = rows.ticket(event, rows.account("Cy"), Ticket.CONFIRMED);
        Ticket dee = rows.ticket(event, rows.account("Dee"), Ticket.WAITLISTED);
        Ticket eve = rows.ticket(event, rows.account("Eve"), Ticket.CONFIRMED);
        rows.ticket(other, rows.account("Fay"), Ticket.CONFIRMED);
        CheckinDao checkins = db.jdbi().onDemand(CheckinDao.class);
        checkins.admitOffline(ann.id(), event, "s1", "north", Instant.now());
        checkins.admitOffline(cy.id(), event, "s2", "south", Instant.now());
        db.jdbi().onDemand(TicketDao.class).markNoShow(eve.id());

        List<Attendee> first = dao.page(event, ALL, null, null, 3);
        Attendee last = first.get(2);
        List<Attendee> rest = dao.page(event, ALL, last.registeredAt(), last.ticketId(), 10);

        assertThat(first).extracting(Attendee::ticketId).containsExactly(ann.id(), bob.id(), cy.id());
        assertThat(rest).extracting(Attendee::ticketId).containsExactly(dee.id(), eve.id());
        assertThat(first.get(1).waitlistPosition()).isEqualTo(1);
        assertThat(rest.get(0).waitlistPosition()).isEqualTo(2);
        assertThat(first.get(0).waitlistPosition()).isNull();
        assertThat(first.get(0).gate()).isEqualTo("north");
        assertThat(ids(event, new AttendeeQuery(Ticket.WAITLISTED, null, null, null))).containsExactly(bob.id(), dee.id());
        assertThat(ids(event, new AttendeeQuery(null, true, null, null))).containsExactly(ann.id(), cy.id());
        assertThat(ids(event, new AttendeeQuery(Ticket.CONFIRMED, false, null, null))).containsExactly(eve.id());
        assertThat(ids(event, new AttendeeQuery(null, null, "south", null))).containsExactly(cy.id());
        assertThat(ids(event, new AttendeeQuery(null, null, null, true))).containsExactly(eve.id());
        assertThat(ids(event, new AttendeeQuery(null, null, null, false))).hasSize(4).doesNotContain(eve.id());
        assertThat(dao.find(event, cy.id())).map(Attendee::name).contains("Cy");
        assertThat(dao.find(other, cy.id())).isEmpty();
    }

    private List<UUID> ids(UUID event, AttendeeQuery query) {
        return dao.page(event, query, null, null, 50).stream().map(Attendee::ticketId).toList();
    }
}
