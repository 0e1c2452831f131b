package com.koomy.payments;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

@RegisterRowMapper(ConnectAccountDao.Mapper.class)
public interface ConnectAccountDao {

    @SqlQuery("SELECT * FROM stripe_connect_accounts WHERE community_id = :communityId")
    Optional<ConnectAccount> find(@Bind("communityId") UUID communityId);

    @SqlQuery("SELECT * FROM stripe_connect_accounts WHERE community_id = :communityId FOR UPDATE")
    Optional<ConnectAccount> lock(@Bind("communityId") UUID communityId);

    @SqlQuery("SELECT * FROM stripe_connect_accounts WHERE account_id = :accountId")
    Optional<ConnectAccount> byAccount(@Bind("accountId") String accountId);

    @SqlQuery("SELECT * FROM stripe_connect_accounts WHERE account_id = :accountId FOR UPDATE")
    Optional<ConnectAccount> lockByAccount(@Bind("accountId") String accountId);

    /** Every connected account id, for reconciliation. */
    @SqlQuery("SELECT account_id FROM stripe_connect_accounts ORDER BY account_id")
    List<String> accountIds();

    @SqlUpdate("""
            INSERT INTO stripe_connect_accounts (community_id, account_id) VALUES (:communityId, :accountId)
            ON CONFLICT (community_id) DO NOTHING
            """)
    boolean insert(@Bind("communityId") UUID communityId, @Bind("accountId") String accountId);

    @SqlUpdate("""
            UPDATE stripe_connect_accounts
               SET charges_enabled = :charges, payouts_enabled = :payouts, details_submitted = :details,
                   requirements_due = CAST(:requirements AS jsonb), disabled_reason = :disabledReason, synced_at = now()
             WHERE account_id = :accountId
            """)
    int sync(@Bind("accountId") String accountId, @Bind("charges") boolean charges, @Bind("payouts") boolean payouts,
             @Bind("details") boolean details, @Bind("requirements") String requirementsJson,
             @Bind("disabledReason") String disabledReason);

    class Mapper implements RowMapper<ConnectAccount> {
        private static final ObjectMapper JSON = new ObjectMapper();

        @Override
        public ConnectAccount map(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws java.sql.SQLException {
            List<String> due;
            try {
                due = JSON.readValue(rs.getString("requirements_due"), new TypeReference<List<String>>() { });
            } catch (java.io.IOException e) {
                throw new java.sql.SQLException("requirements_due is not a JSON list", e);
            }
            java.sql.Timestamp synced = rs.getTimestamp("synced_at");
            return new ConnectAccount(rs.getObject("community_id", UUID.class), rs.getString("account_id"),
                    rs.getBoolean("charges_enabled"), rs.getBoolean("payouts_enabled"), rs.getBoolean("details_submitted"),
                    due, rs.getString("disabled_reason"), rs.getTimestamp("created_at").toInstant(),
                    synced == null ? null : synced.toInstant());
        }
    }
}
