package com.koomy.payments;

import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.UseRowMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/** Dues reminders: who is due ({@link DuesReminders}), and the row that says a period's reminder is claimed. */
public interface DuesReminderDao {

    /** An active member whose dues run out soon, with what the reminder tells them. */
    record Due(UUID communityId, UUID accountId, LocalDate paidUntil, String email, String name, String locale,
               String communityName, long amount, String currency) {
    }

    /** One page of members due between the two dates, in communities that take payments (keyset on community, member). */
    @SqlQuery("""
            SELECT m.community_id, m.account_id, m.dues_paid_until, a.email, a.name, a.locale,
                   c.name AS community_name, t.amount, t.currency
              FROM memberships m
              JOIN accounts a ON a.id = m.account_id
              JOIN communities c ON c.id = m.community_id
              JOIN stripe_connect_accounts s ON s.community_id = m.community_id AND s.charges_enabled
              JOIN LATERAL (SELECT amount, currency FROM dues_tiers t
                             WHERE t.community_id = m.community_id AND t.active
                             ORDER BY t.created_at, t.id LIMIT 1) t ON true
             WHERE m.status = 'active' AND m.dues_paid_until BETWEEN :today AND :until
               AND (m.community_id, m.account_id) > (:afterCommunity, :afterAccount)
             ORDER BY m.community_id, m.account_id
             LIMIT :limit
            """)
    @UseRowMapper(DueMapper.class)
    List<Due> due(@Bind("today") LocalDate today, @Bind("until") LocalDate until, @Bind("afterCommunity") UUID afterCommunity,
                  @Bind("afterAccount") UUID afterAccount, @Bind("limit") int limit);

    /** Claims the period's reminder of each member not claimed yet; returns those claimed now. */
    @SqlQuery("""
            INSERT INTO dues_reminders (community_id, account_id, paid_until)
            SELECT :communityId, account_id, :paidUntil FROM unnest(CAST(:accounts AS uuid[])) account_id
            ON CONFLICT DO NOTHING
            RETURNING account_id
            """)
    List<UUID> claim(@Bind("communityId") UUID communityId, @Bind("paidUntil") LocalDate paidUntil,
                     @Bind("accounts") String[] accounts);

    class DueMapper implements RowMapper<Due> {
        @Override
        public Due map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new Due(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getObject(3, LocalDate.class),
                    rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getLong(8), rs.getString(9));
        }
    }
}
