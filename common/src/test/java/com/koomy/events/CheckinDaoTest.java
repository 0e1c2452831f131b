package com.koomy.events;

import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class CheckinDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private final EventRows rows = new EventRows(db.jdbi());
    private final CheckinDao dao = db.jdbi().onDemand(CheckinDao.class);
    private final UUID event = rows.event(rows.community(), 0, Event.MEMBERS);
    private final UUID ann = rows.account("Ann");

    @Test
    void anOnlineScanAdmitsOnceAndItsRetryReadsTheFirstAnswer() {
        Ticket ticket = rows.ticket(event, ann, Ticket.CONFIRMED);

        CheckinDao.ScanRow admitted = dao.scan(event, "a", ticket.id(), 1, "north", null);
        CheckinDao.ScanRow retry = dao.scan(event, "a", ticket.id(), 1, "south", null);
        CheckinDao.ScanRow second = dao.scan(event, "b", ticket.id(), 1, "south", null);

        assertThat(admitted.result()).isEqualTo("admitted");
        assertThat(admitted.replayed()).isFalse();
        assertThat(admitted.holderName()).isEqualTo("Ann");
        assertThat(retry.result()).isEqualTo("admitted");
        assertThat(retry.replayed()).isTrue();
        assertThat(retry.admittedGate()).isEqualTo("north");
        assertThat(second.result()).isEqualTo("already_admitted");
        assertThat(second.admittedGate()).isEqualTo("north");
        assertThat(second.admittedAt()).isEqualTo(admitted.admittedAt());
        assertThat(dao.count(ticket.id())).isEqualTo(1);
        assertThat(dao.prior(event, "b")).map(CheckinDao.Prior::result).contains("already_admitted");
    }

    @Test
    void anOnlineScanRefusesAStaleSerialAnotherEventsTicketAndAGivenRefusalWithoutAdmitting() {
        Ticket reissued = rows.ticket(event, ann, Ticket.CONFIRMED);
        db.jdbi().onDemand(TicketDao.class).reissue(event, reissued.id());
        Ticket waiting = rows.ticket(event, ann, Ticket.WAITLISTED);
        Ticket confirmed = rows.ticket(event, ann, Ticket.CONFIRMED);
        Ticket elsewhere = rows.ticket(rows.event(rows.community(), 0, Event.MEMBERS), ann, Ticket.CONFIRMED);

        assertThat(dao.scan(event, "old", reissued.id(), 1, "g", null).result()).isEqualTo("revoked");
        assertThat(dao.scan(event, "wait", waiting.id(), 1, "g", null).result()).isEqualTo("revoked");
        CheckinDao.ScanRow invalid = dao.scan(event, "other", elsewhere.id(), 1, "g", null);
        assertThat(invalid.result()).isEqualTo("invalid");
        assertThat(invalid.foundTicket()).isNull();
        assertThat(dao.scan(event, "early", confirmed.id(), 1, "g", "not_yet_valid").result()).isEqualTo("not_yet_valid");

        assertThat(dao.count(reissued.id()) + dao.count(waiting.id()) + dao.count(confirmed.id())).isZero();
        assertThat(dao.scan(event, "now", reissued.id(), 2, "g", null).result()).isEqualTo("admitted");
        assertThat(dao.scansLastMinute(event)).isEqualTo(5);
    }

    @Test
    void offlineScansAdmitOnceAndAnEarlierScanBecomesTheAdmission() {
        Ticket ticket = rows.ticket(event, ann, Ticket.CONFIRMED);
        Ticket other = rows.ticket(event, ann, Ticket.CONFIRMED);
        Instant at = Instant.parse("2026-01-01T10:00:00Z");

        assertThat(dao.admitOffline(ticket.id(), event, "x1", "north", at)).isTrue();
        assertThat(dao.admitOffline(ticket.id(), event, "x2", "south", at.minusSeconds(60))).isFalse();
        dao.admitOffline(other.id(), event, "y1", "north", at);
        dao.rescanOffline(ticket.id(), false, "x3", "east", at.plusSeconds(60));
        CheckinDao.Admission kept = db.jdbi().inTransaction(h -> h.attach(CheckinDao.class).lockAdmission(ticket.id()));
        dao.rescanOffline(ticket.id(), true, "x2", "south", at.minusSeconds(60));
        CheckinDao.Admission earlier = dao.lockAdmission(ticket.id());

        assertThat(kept).isEqualTo(new CheckinDao.Admission("x1", "north", at));
        assertThat(earlier).isEqualTo(new CheckinDao.Admission("x2", "south", at.minusSeconds(60)));
        assertThat(dao.lockAdmission(other.id())).isEqualTo(new CheckinDao.Admission("y1", "north", at));
        assertThat(dao.lockAdmission(rows.ticket(event, ann, Ticket.CONFIRMED).id())).isNull();
    }

    @Test
    void anOfflineAnswerIsStoredOnceAndTheSeatIsReadInItsEventOnly() {
        Ticket ticket = rows.ticket(event, ann, Ticket.CONFIRMED);
        Instant at = Instant.parse("2026-01-01T10:00:00Z");

        dao.recordOffline(new CheckinDao.OfflineScan(event, "s", ticket.id(), "north", "admitted", at, "north", at));
        dao.recordOffline(new CheckinDao.OfflineScan(event, "s", ticket.id(), "south", "revoked", null, null, at));

        assertThat(dao.prior(event, "s")).contains(new CheckinDao.Prior("admitted", at, "north", ticket.id()));
        assertThat(dao.prior(rows.event(rows.community(), 0, Event.MEMBERS), "s")).isEmpty();
        assertThat(dao.seat(event, ticket.id())).contains(new CheckinDao.Seat(Ticket.CONFIRMED, 1, "Ann", null));
        assertThat(dao.seat(rows.event(rows.community(), 0, Event.MEMBERS), ticket.id())).isEmpty();
    }

    @Test
    void gateFiguresCountAdmissionsOfTheEventAndThoseOfTheLastMinute() {
        UUID other = rows.event(rows.community(), 0, Event.MEMBERS);
        Instant now = dao.now();
        dao.admitOffline(rows.ticket(event, ann, Ticket.CONFIRMED).id(), event, "1", "north", now.minusSeconds(3600));
        dao.admitOffline(rows.ticket(event, ann, Ticket.CONFIRMED).id(), event, "2", "north", now.minusSeconds(5));
        dao.admitOffline(rows.ticket(event, ann, Ticket.CONFIRMED).id(), event, "3", "east", now.minusSeconds(61));
        dao.admitOffline(rows.ticket(other, ann, Ticket.CONFIRMED).id(), other, "4", "north", now);

        assertThat(dao.gates(event)).containsExactly(new CheckinStats.Gate("east", 1, 0), new CheckinStats.Gate("north", 2, 1));
        rows.sql("INSERT INTO checkin_scans (event_id, scan_id, ticket_id, gate, result, scanned_at, received_at) "
                + "VALUES (?, 'old', ?, 'g', 'invalid', now(), now() - interval '2 minutes')", event, UUID.randomUUID());
        assertThat(dao.scansLastMinute(event)).isZero();
    }
}
