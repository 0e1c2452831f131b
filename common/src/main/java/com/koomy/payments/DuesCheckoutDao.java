package com.koomy.payments;

import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.jdbi.v3.sqlobject.statement.UseRowMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/** Dues checkouts: a member's Stripe Checkout session for a tier ({@link DuesCheckouts}). */
public interface DuesCheckoutDao {

    record NewCheckout(UUID id, UUID communityId, UUID accountId, UUID tierId, String stripeAccount, long amount,
                       String currency, long fee) {
    }

    /** The member's open session for this tier at its current price: made recently, not paid. */
    @SqlQuery("""
            SELECT c.id, c.session_id, c.url, c.amount, c.currency, c.application_fee
              FROM dues_checkouts c JOIN dues_tiers t ON t.id = c.tier_id
             WHERE c.community_id = :communityId AND c.account_id = :accountId AND c.tier_id = :tierId
               AND c.session_id IS NOT NULL AND c.amount = t.amount AND c.currency = t.currency
               AND c.created_at > now() - make_interval(secs => :reuseSeconds)
               AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.checkout_id = c.id)
             ORDER BY c.created_at DESC LIMIT 1
            """)
    @UseRowMapper(CheckoutMapper.class)
    Optional<DuesCheckouts.Checkout> open(@Bind("communityId") UUID communityId, @Bind("accountId") UUID accountId,
                                          @Bind("tierId") UUID tierId, @Bind("reuseSeconds") long reuseSeconds);

    @SqlUpdate("""
            INSERT INTO dues_checkouts (id, community_id, account_id, tier_id, stripe_account, amount, currency, application_fee)
            VALUES (:id, :communityId, :accountId, :tierId, :stripeAccount, :amount, :currency, :fee)
            """)
    void insert(@BindMethods NewCheckout checkout);

    @SqlUpdate("DELETE FROM dues_checkouts WHERE id = :id")
    void delete(@Bind("id") UUID id);

    @SqlUpdate("UPDATE dues_checkouts SET session_id = :sid, url = :url WHERE id = :id")
    void setSession(@Bind("id") UUID id, @Bind("sid") String sessionId, @Bind("url") String url);

    /** The checkout a Stripe event's metadata names, when the community made it for that member on that account. */
    @SqlQuery("""
            SELECT c.community_id, c.account_id, c.id, c.tier_id, c.stripe_account, t.name, c.application_fee
              FROM dues_checkouts c JOIN dues_tiers t ON t.id = c.tier_id
             WHERE c.id = :checkoutId AND c.community_id = :communityId AND c.account_id = :memberId
               AND c.stripe_account = :stripeAccount
            """)
    @UseRowMapper(ScopeMapper.class)
    Optional<ConnectEventScope.Scope> scope(@Bind("checkoutId") UUID checkoutId, @Bind("communityId") UUID communityId,
                                            @Bind("memberId") UUID memberId, @Bind("stripeAccount") String stripeAccount);

    class CheckoutMapper implements RowMapper<DuesCheckouts.Checkout> {
        @Override
        public DuesCheckouts.Checkout map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new DuesCheckouts.Checkout(rs.getObject("id", UUID.class), rs.getString("session_id"),
                    rs.getString("url"), rs.getLong("amount"), rs.getString("currency"), rs.getLong("application_fee"));
        }
    }

    class ScopeMapper implements RowMapper<ConnectEventScope.Scope> {
        @Override
        public ConnectEventScope.Scope map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new ConnectEventScope.Scope(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                    rs.getObject(3, UUID.class), rs.getObject(4, UUID.class), rs.getString(5), rs.getString(6), rs.getLong(7));
        }
    }
}
