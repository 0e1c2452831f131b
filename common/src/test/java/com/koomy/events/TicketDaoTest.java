package com.koomy.events;

import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class TicketDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private final EventRows rows = new EventRows(db.jdbi());
    private final TicketDao dao = db.jdbi().onDemand(TicketDao.class);
    private final UUID club = rows.community();

    @Test
    void promoteConfirmsTheOldestWaitlistedSeatsOfThatEventOnly() {
        UUID event = rows.event(club, 24, Event.MEMBERS);
        UUID other = rows.event(club, 24, Event.MEMBERS);
        UUID ann = rows.account("Ann");
        Ticket first = rows.ticket(event, ann, Ticket.WAITLISTED);
        rows.ticket(event, ann, Ticket.CANCELLED);
        Ticket second = rows.ticket(event, rows.account("Bob"), Ticket.WAITLISTED);
        Ticket third = rows.ticket(event, rows.account("Cy"), Ticket.WAITLISTED);
        Ticket elsewhere = rows.ticket(other, ann, Ticket.WAITLISTED);

        assertThat(dao.waitlistPosition(third.id())).isEqualTo(3);
        List<Ticket> promoted = dao.promote(event, 2);

        assertThat(promoted).extracting(Ticket::id).containsExactlyInAnyOrder(first.id(), second.id());
        assertThat(promoted).allSatisfy(t -> assertThat(t.confirmedAt()).isNotNull());
        assertThat(dao.waitlistPosition(third.id())).isEqualTo(1);
        assertThat(dao.find(other, elsewhere.id())).map(Ticket::status).contains(Ticket.WAITLISTED);
        assertThat(dao.find(other, first.id())).as("another event's id").isEmpty();
    }

    @Test
    void cancellingCountsOnlyActiveSeatsAndHappensOnce() {
        UUID event = rows.event(club, 24, Event.MEMBERS);
        UUID other = rows.event(club, 24, Event.MEMBERS);
        UUID ann = rows.account("Ann");
        Ticket seat = rows.ticket(event, ann, Ticket.CONFIRMED);
        rows.ticket(event, ann, Ticket.WAITLISTED);
        rows.ticket(event, rows.account("Bob"), Ticket.CONFIRMED);
        rows.ticket(other, ann, Ticket.CONFIRMED);

        assertThat(dao.activeSeats(event, ann)).isEqualTo(2);
        assertThat(dao.activeSeats(ann)).isEqualTo(3);
        assertThat(dao.cancel(event, seat.id())).map(Ticket::status).contains(Ticket.CANCELLED);
        assertThat(dao.cancel(event, seat.id())).isEmpty();
        assertThat(dao.cancel(other, seat.id())).isEmpty();
        assertThat(dao.activeOf(event, ann)).extracting(Ticket::status).containsExactly(Ticket.WAITLISTED);
        assertThat(dao.cancelAll(event)).isEqualTo(2);
        assertThat(dao.activeSeats(ann)).isEqualTo(1);
    }

    @Test
    void reissueAndTheCheckInListsConcernConfirmedTickets() {
        UUID event = rows.event(club, 24, Event.MEMBERS);
        UUID ann = rows.account("Ann");
        Ticket confirmed = rows.ticket(event, ann, Ticket.CONFIRMED);
        Ticket waiting = rows.ticket(event, ann, Ticket.WAITLISTED);
        Ticket untouched = rows.ticket(event, rows.account("Bob"), Ticket.CONFIRMED);
        Ticket cancelledAfterConfirmation = rows.ticket(event, rows.account("Cy"), Ticket.CONFIRMED);
        dao.cancel(event, cancelledAfterConfirmation.id());
        dao.cancel(event, waiting.id()); // never confirmed: it had no QR code

        assertThat(dao.reissue(event, confirmed.id())).map(Ticket::serial).contains(2);
        assertThat(dao.reissue(event, waiting.id())).isEmpty();

        assertThat(dao.revoked(event)).containsExactly(cancelledAfterConfirmation.id());
        assertThat(dao.reissued(event)).extracting(CheckinBundle.Reissued::ticketId).containsExactly(confirmed.id());
        assertThat(dao.find(event, untouched.id())).map(Ticket::serial).contains(1);
    }

    @Test
    void confirmWaitlistedRefusesAnotherStateAndNoShowKeepsTheFirstMark() {
        UUID event = rows.event(club, 24, Event.MEMBERS);
        UUID ann = rows.account("Ann");
        Ticket waiting = rows.ticket(event, ann, Ticket.WAITLISTED);
        Ticket confirmed = rows.ticket(event, ann, Ticket.CONFIRMED);

        assertThat(dao.confirmWaitlisted(event, waiting.id())).map(Ticket::status).contains(Ticket.CONFIRMED);
        assertThat(dao.confirmWaitlisted(event, confirmed.id())).isEmpty();
        Optional<Ticket> locked = db.jdbi().inTransaction(h -> h.attach(TicketDao.class).lockInEvent(event, waiting.id()));
        assertThat(locked).isPresent();
        assertThat(dao.lockInEvent(rows.event(club, 24, Event.MEMBERS), waiting.id())).isEmpty();

        rows.sql("UPDATE tickets SET no_show_at = '2020-01-01T00:00:00Z' WHERE id = ?", confirmed.id());
        dao.markNoShow(confirmed.id());
        dao.markNoShow(waiting.id());
        assertThat(noShow(confirmed.id())).isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
        assertThat(noShow(waiting.id())).isAfter(EventRows.NOW.minusSeconds(60));

        TicketHolder holder = dao.holder(confirmed.id());
        assertThat(holder.name()).isEqualTo("Ann");
        assertThat(holder.accountId()).isEqualTo(ann);
        assertThat(holder.locale()).isEqualTo("fr");
    }

    @Test
    void eventsHeldAreTheScheduledEventsThatCanStillAdmitAndMembersOnlyOnesOfTheCommunity() {
        UUID ann = rows.account("Ann");
        UUID members = rows.event(club, 24, Event.MEMBERS);
        UUID publicOne = rows.event(club, 24, Event.PUBLIC);
        UUID endedInTheMargin = rows.event(club, -5, Event.MEMBERS); // ended 3 hours ago
        UUID endedLongAgo = rows.event(club, -40, Event.MEMBERS);
        UUID cancelled = rows.event(club, 24, Event.MEMBERS);
        UUID seatCancelled = rows.event(club, 24, Event.MEMBERS);
        UUID elsewhere = rows.event(rows.community(), 24, Event.MEMBERS);
        Stream.of(members, publicOne, endedInTheMargin, endedLongAgo, cancelled, seatCancelled, elsewhere)
                .forEach(e -> rows.ticket(e, ann, Ticket.CONFIRMED));
        rows.ticket(members, ann, Ticket.WAITLISTED);
        db.jdbi().onDemand(EventDao.class).cancel(cancelled);
        dao.cancelAll(seatCancelled);
        rows.ticket(rows.event(club, 24, Event.MEMBERS), rows.account("Bob"), Ticket.CONFIRMED);
        Instant admitsAfter = EventRows.NOW.minus(Event.DOORS_MARGIN);

        assertThat(dao.membersOnlyEventsHeld(club, ann, admitsAfter)).containsExactlyElementsOf(sorted(members, endedInTheMargin));
        assertThat(dao.eventsHeld(ann, admitsAfter)).containsExactlyElementsOf(sorted(members, publicOne, endedInTheMargin, elsewhere));
    }

    @Test
    void myTicketsPageUpcomingSoonestFirstAndPastLatestFirst() {
        UUID ann = rows.account("Ann");
        Ticket soon = rows.ticket(rows.event(club, 2, Event.MEMBERS), ann, Ticket.CONFIRMED);
        UUID later = rows.event(rows.community(), 48, Event.PUBLIC);
        List<UUID> laterSeats = Stream.of(rows.ticket(later, ann, Ticket.CONFIRMED), rows.ticket(later, ann, Ticket.WAITLISTED))
                .map(Ticket::id).sorted(EventRows.PG_UUID_ORDER).toList();
        dao.cancel(later, rows.ticket(later, ann, Ticket.CONFIRMED).id());
        Ticket recent = rows.ticket(rows.event(club, -3, Event.MEMBERS), ann, Ticket.CONFIRMED);
        Ticket old = rows.ticket(rows.event(club, -30, Event.MEMBERS), ann, Ticket.CONFIRMED);
        rows.ticket(rows.event(club, 5, Event.MEMBERS), rows.account("Bob"), Ticket.CONFIRMED);

        List<MyTicket> page = dao.upcoming(ann, null, null, 2);
        MyTicket last = page.get(1);

        assertThat(page).extracting(MyTicket::id).containsExactly(soon.id(), laterSeats.get(0));
        assertThat(dao.upcoming(ann, last.startsAt().toString(), last.id(), 10)).extracting(MyTicket::id)
                .containsExactly(laterSeats.get(1));
        assertThat(dao.past(ann, null, null, 1)).extracting(MyTicket::id).containsExactly(recent.id());
        String recentStart = dao.past(ann, null, null, 1).get(0).startsAt().toString();
        assertThat(dao.past(ann, recentStart, recent.id(), 10)).extracting(MyTicket::id).containsExactly(old.id());
    }

    private static List<UUID> sorted(UUID... ids) {
        return Stream.of(ids).sorted(EventRows.PG_UUID_ORDER).toList();
    }

    private Instant noShow(UUID ticket) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT no_show_at FROM tickets WHERE id = :id")
                .bind("id", ticket).mapTo(Instant.class).one());
    }
}
