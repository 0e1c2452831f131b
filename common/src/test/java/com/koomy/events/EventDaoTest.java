package com.koomy.events;

import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class EventDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private final EventRows rows = new EventRows(db.jdbi());
    private final EventDao dao = db.jdbi().onDemand(EventDao.class);

    @Test
    void upcomingPagesSoonestFirstWithTheIdBreakingTiesAndLeavesEndedAndOtherCommunitiesOut() {
        UUID club = rows.community();
        UUID running = rows.event(club, -1, Event.MEMBERS); // started, not ended: still upcoming
        List<UUID> tied = Stream.of(rows.event(club, 5, Event.PUBLIC), rows.event(club, 5, Event.MEMBERS))
                .sorted(EventRows.PG_UUID_ORDER).toList();
        UUID later = rows.event(club, 30, Event.PUBLIC);
        rows.event(club, -3, Event.PUBLIC); // ended an hour ago
        rows.event(rows.community(), 2, Event.PUBLIC);

        List<Event> first = dao.upcoming(club, false, null, null, 2);
        Event last = first.get(1);
        List<Event> second = dao.upcoming(club, false, last.startsAt().toString(), last.id(), 10);

        assertThat(first).extracting(Event::id).containsExactly(running, tied.get(0));
        assertThat(second).extracting(Event::id).containsExactly(tied.get(1), later);
        assertThat(dao.upcoming(club, true, null, null, 10)).extracting(Event::id).containsExactly(
                Stream.concat(tied.stream().filter(id -> dao.find(id).orElseThrow().isPublic()), Stream.of(later)).toArray(UUID[]::new));
    }

    @Test
    void pastPagesLatestFirstAndLeavesUnendedAndMembersOnlyOutWhenAskedForPublic() {
        UUID club = rows.community();
        rows.event(club, -1, Event.PUBLIC); // not ended
        UUID recent = rows.event(club, -3, Event.MEMBERS);
        List<UUID> tied = Stream.of(rows.event(club, -10, Event.PUBLIC), rows.event(club, -10, Event.PUBLIC))
                .sorted(EventRows.PG_UUID_ORDER.reversed()).toList();
        UUID oldest = rows.event(club, -50, Event.PUBLIC);
        rows.event(rows.community(), -5, Event.PUBLIC);

        List<Event> first = dao.past(club, false, null, null, 2);
        Event last = first.get(1);

        assertThat(first).extracting(Event::id).containsExactly(recent, tied.get(0));
        assertThat(dao.past(club, false, last.startsAt().toString(), last.id(), 10)).extracting(Event::id)
                .containsExactly(tied.get(1), oldest);
        assertThat(dao.past(club, true, null, null, 10)).extracting(Event::id).containsExactly(tied.get(0), tied.get(1), oldest);
    }

    @Test
    void updateKeepsNullFieldsAndCancelHappensOnceAndClearsTheCounts() {
        UUID club = rows.community();
        UUID id = rows.event(club, 24, Event.MEMBERS);
        UUID other = rows.event(club, 24, Event.MEMBERS);
        Event before = dao.find(id).orElseThrow();

        dao.update(id, new EventFields("Renamed", null, null, null, null, null, 50, Event.PUBLIC, null, null));
        dao.count(id, 3, 2);
        dao.count(id, -1, 0);
        Event counted = dao.find(id).orElseThrow();
        boolean cancelled = dao.cancel(id);
        boolean again = dao.cancel(id);

        assertThat(counted.title()).isEqualTo("Renamed");
        assertThat(counted.capacity()).isEqualTo(50);
        assertThat(counted.visibility()).isEqualTo(Event.PUBLIC);
        assertThat(counted.place()).isEqualTo(before.place());
        assertThat(counted.startsAt()).isEqualTo(before.startsAt());
        assertThat(counted.ticketsPerAccount()).isEqualTo(2);
        assertThat(counted.confirmedCount()).isEqualTo(2);
        assertThat(counted.waitlistedCount()).isEqualTo(2);
        assertThat(cancelled).isTrue();
        assertThat(again).isFalse();
        Event after = dao.find(id).orElseThrow();
        assertThat(after.status()).isEqualTo(Event.CANCELLED);
        assertThat(after.confirmedCount()).isZero();
        assertThat(after.waitlistedCount()).isZero();
        assertThat(after.cancelledAt()).isNotNull();
        assertThat(dao.find(other).orElseThrow().title()).isEqualTo("Event");
        assertThat(dao.find(other).orElseThrow().status()).isEqualTo(Event.SCHEDULED);
    }

    @Test
    void existsVisibilityAndLockAnswerOnlyForTheEventsOwnCommunity() {
        UUID club = rows.community();
        UUID elsewhere = rows.community();
        UUID id = rows.event(club, 24, Event.PUBLIC);

        dao.update(id, new EventFields(null, null, null, null, null, null, 10, null, null, null));
        dao.raiseCapacity(id);

        assertThat(dao.exists(club, id)).isTrue();
        assertThat(dao.exists(elsewhere, id)).isFalse();
        assertThat(dao.visibility(club, id)).contains(Event.PUBLIC);
        assertThat(dao.visibility(elsewhere, id)).isEmpty();
        Optional<Event> locked = db.jdbi().inTransaction(h -> h.attach(EventDao.class).lock(id));
        assertThat(locked).map(Event::capacity).contains(11);
        assertThat(dao.lock(UUID.randomUUID())).isEmpty();
    }
}
