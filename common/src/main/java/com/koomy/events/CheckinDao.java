package com.koomy.events;

import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.jdbi.v3.sqlobject.statement.UseRowMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static com.koomy.events.CheckIns.instant;

/**
 * Admissions at the door ({@code checkins}) and the scans that asked for them ({@code checkin_scans}): the online
 * scan decided in one statement ({@link ScanRecorder}), offline scans a statement at a time ({@link OfflineDecider}),
 * the figures of {@link CheckinStatsReader}. The comment in each statement names it in pg_stat_statements.
 */
public interface CheckinDao {

    /** An online scan's answer ({@code replayed}: a retry of a scan decided before, with its first answer). */
    record ScanRow(String result, Instant admittedAt, String admittedGate, boolean replayed, UUID priorTicket,
                          UUID foundTicket, String holderName, String guestName) {
    }

    /** An offline scan already decided: its answer. */
    record Prior(String result, Instant admittedAt, String admittedGate, UUID ticketId) {
    }

    /** The scanned ticket: its status and serial, and whose seat it is. */
    record Seat(String status, int serial, String holderName, String guestName) {
    }

    /** The ticket's admission: by which scan, at which gate, when. */
    record Admission(String scanId, String gate, Instant admittedAt) {
    }

    /** An offline scan's answer as stored; {@code admittedAt}, {@code admittedGate} null unless admitted. */
    record OfflineScan(UUID eventId, String scanId, UUID ticketId, String gate, String result, Instant admittedAt,
                       String admittedGate, Instant at) {
    }

    /**
     * {@link #scan}'s statement. The door's hot path ({@code ScanRecorder}) runs it as a fluent query named like
     * the SQL object's ({@link #SCAN_NAMED}): the SQL object's call cost 1.7 times the fluent one's CPU
     * (docs/architecture.md, "Data access", exception 3).
     */
    String SCAN = """
            /* CheckIns.scan */
            WITH prior AS (
                SELECT result, admitted_at, admitted_gate, ticket_id FROM checkin_scans
                 WHERE event_id = :eventId AND scan_id = :scanId
            ), ticket AS (
                SELECT t.id, t.status, t.serial, t.guest_name, a.name AS holder_name
                  FROM tickets t JOIN accounts a ON a.id = t.account_id
                 WHERE t.id = :ticketId AND t.event_id = :eventId
            ), admission AS (
                INSERT INTO checkins (ticket_id, event_id, scan_id, gate, admitted_at)
                SELECT id, :eventId, :scanId, :gate, now() FROM ticket
                 WHERE status = 'confirmed' AND serial = :serial AND CAST(:refusal AS text) IS NULL
                   AND NOT EXISTS (SELECT 1 FROM prior)
                ON CONFLICT (ticket_id) DO UPDATE SET scans = checkins.scans + 1
                RETURNING scan_id, gate, admitted_at
            ), decided AS (
                SELECT CASE WHEN CAST(:refusal AS text) IS NOT NULL THEN CAST(:refusal AS text)
                            WHEN ticket.id IS NULL THEN 'invalid'
                            WHEN ticket.status <> 'confirmed' OR ticket.serial <> :serial THEN 'revoked'
                            WHEN admission.scan_id = :scanId THEN 'admitted'
                            ELSE 'already_admitted' END AS result,
                       admission.admitted_at, admission.gate AS admitted_gate
                  FROM (SELECT 1) AS one LEFT JOIN ticket ON true LEFT JOIN admission ON true
            ), recorded AS (
                INSERT INTO checkin_scans (event_id, scan_id, ticket_id, gate, result, admitted_at, admitted_gate, scanned_at)
                SELECT :eventId, :scanId, :ticketId, :gate, result, admitted_at, admitted_gate, now() FROM decided
                 WHERE NOT EXISTS (SELECT 1 FROM prior)
                ON CONFLICT (event_id, scan_id) DO NOTHING
            )
            SELECT coalesce(prior.result, decided.result) AS result,
                   CASE WHEN prior.result IS NULL THEN decided.admitted_at ELSE prior.admitted_at END AS admitted_at,
                   CASE WHEN prior.result IS NULL THEN decided.admitted_gate ELSE prior.admitted_gate END AS admitted_gate,
                   prior.result IS NOT NULL AS replayed, prior.ticket_id AS prior_ticket,
                   ticket.id AS found_ticket, ticket.holder_name, ticket.guest_name
              FROM decided LEFT JOIN prior ON true LEFT JOIN ticket ON true
            """;

    /** {@link #SCAN} with the name the SQL object's call carries (SqlCommentTemplateEngine). */
    String SCAN_NAMED = "/* CheckinDao.scan */ " + SCAN;

    /** Decides and stores one online scan; {@code refusal} not null: refused for that reason. */
    @SqlQuery(SCAN)
    @UseRowMapper(ScanRowMapper.class)
    ScanRow scan(@Bind("eventId") UUID eventId, @Bind("scanId") String scanId, @Bind("ticketId") UUID ticketId,
                          @Bind("serial") int serial, @Bind("gate") String gate, @Bind("refusal") String refusal);

    /** False when the ticket was admitted already. */
    @SqlUpdate("""
            /* OfflineDecider.admit */
            INSERT INTO checkins (ticket_id, event_id, scan_id, gate, admitted_at, offline)
            VALUES (:ticketId, :eventId, :scanId, :gate, :at, true)
            ON CONFLICT (ticket_id) DO NOTHING
            """)
    boolean admitOffline(@Bind("ticketId") UUID ticketId, @Bind("eventId") UUID eventId, @Bind("scanId") String scanId,
                         @Bind("gate") String gate, @Bind("at") Instant at);

    @SqlQuery("""
            /* OfflineDecider.lock */
            SELECT scan_id, gate, admitted_at FROM checkins WHERE ticket_id = :ticketId FOR UPDATE
            """)
    @UseRowMapper(AdmissionMapper.class)
    Admission lockAdmission(@Bind("ticketId") UUID ticketId);

    /** One more scan of an admitted ticket; an {@code earlier} one becomes the admission. */
    @SqlUpdate("""
            /* OfflineDecider.update */
            UPDATE checkins SET scans = scans + 1,
                   scan_id = CASE WHEN :earlier THEN :scanId ELSE scan_id END,
                   gate = CASE WHEN :earlier THEN :gate ELSE gate END,
                   admitted_at = CASE WHEN :earlier THEN :at ELSE admitted_at END,
                   offline = CASE WHEN :earlier THEN true ELSE offline END
             WHERE ticket_id = :ticketId
            """)
    void rescanOffline(@Bind("ticketId") UUID ticketId, @Bind("earlier") boolean earlier, @Bind("scanId") String scanId,
                       @Bind("gate") String gate, @Bind("at") Instant at);

    @SqlQuery("""
            /* OfflineDecider.prior */
            SELECT result, admitted_at, admitted_gate, ticket_id FROM checkin_scans
             WHERE event_id = :eventId AND scan_id = :scanId
            """)
    @UseRowMapper(PriorMapper.class)
    Optional<Prior> prior(@Bind("eventId") UUID eventId, @Bind("scanId") String scanId);

    @SqlQuery("""
            /* OfflineDecider.seat */
            SELECT t.status, t.serial, a.name, t.guest_name
              FROM tickets t JOIN accounts a ON a.id = t.account_id
             WHERE t.id = :ticketId AND t.event_id = :eventId
            """)
    @UseRowMapper(SeatMapper.class)
    Optional<Seat> seat(@Bind("eventId") UUID eventId, @Bind("ticketId") UUID ticketId);

    /** Stores an offline scan's answer; a scan id decided concurrently keeps that answer. */
    @SqlUpdate("""
            /* OfflineDecider.record */
            INSERT INTO checkin_scans (event_id, scan_id, ticket_id, gate, result, admitted_at, admitted_gate,
                                       scanned_at, offline)
            VALUES (:eventId, :scanId, :ticketId, :gate, :result, :admittedAt, :admittedGate, :at, true)
            ON CONFLICT (event_id, scan_id) DO NOTHING
            """)
    void recordOffline(@BindMethods OfflineScan scan);

    @SqlQuery("SELECT count(*) FROM checkins WHERE ticket_id = :id")
    int count(@Bind("id") UUID ticketId);

    @SqlQuery("""
            /* CheckinStatsReader.gates */
            SELECT gate, count(*) AS admitted,
                   count(*) FILTER (WHERE admitted_at > now() - interval '1 minute') AS last_minute
              FROM checkins WHERE event_id = :eventId
             GROUP BY gate ORDER BY gate LIMIT 500
            """)
    @UseRowMapper(GateMapper.class)
    List<CheckinStats.Gate> gates(@Bind("eventId") UUID eventId);

    @SqlQuery("""
            /* CheckinStatsReader.scans */
            SELECT count(*) FROM checkin_scans WHERE event_id = :eventId AND received_at > now() - interval '1 minute'
            """)
    long scansLastMinute(@Bind("eventId") UUID eventId);

    /** The database's clock (the figures are as of then). */
    @SqlQuery("SELECT now()")
    Instant now();

    class ScanRowMapper implements RowMapper<ScanRow> {
        @Override
        public ScanRow map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new ScanRow(rs.getString("result"), instant(rs.getTimestamp("admitted_at")),
                    rs.getString("admitted_gate"), rs.getBoolean("replayed"), rs.getObject("prior_ticket", UUID.class),
                    rs.getObject("found_ticket", UUID.class), rs.getString("holder_name"), rs.getString("guest_name"));
        }
    }

    class AdmissionMapper implements RowMapper<Admission> {
        @Override
        public Admission map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new Admission(rs.getString("scan_id"), rs.getString("gate"), rs.getTimestamp("admitted_at").toInstant());
        }
    }

    class PriorMapper implements RowMapper<Prior> {
        @Override
        public Prior map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new Prior(rs.getString("result"), instant(rs.getTimestamp("admitted_at")),
                    rs.getString("admitted_gate"), rs.getObject("ticket_id", UUID.class));
        }
    }

    class SeatMapper implements RowMapper<Seat> {
        @Override
        public Seat map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new Seat(rs.getString("status"), rs.getInt("serial"), rs.getString("name"), rs.getString("guest_name"));
        }
    }

    class GateMapper implements RowMapper<CheckinStats.Gate> {
        @Override
        public CheckinStats.Gate map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new CheckinStats.Gate(rs.getString("gate"), rs.getLong("admitted"), rs.getLong("last_minute"));
        }
    }
}
