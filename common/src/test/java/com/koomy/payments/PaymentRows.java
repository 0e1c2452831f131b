package com.koomy.payments;

import org.jdbi.v3.core.Jdbi;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/**
 * Rows for the payments DAO tests: accounts, communities and memberships in plain SQL (their DAOs are
 * tested elsewhere), tiers and payments through DuesTierDao and PaymentDao.
 */
final class PaymentRows {

    final Jdbi jdbi;

    PaymentRows(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    UUID account(String name) {
        UUID id = UUID.randomUUID();
        sql("INSERT INTO accounts (id, email, name, password_hash) VALUES (?, ?, ?, 'x')", id, id + "@example.org", name);
        return id;
    }

    UUID community(String name) {
        UUID id = UUID.randomUUID();
        sql("INSERT INTO communities (id, name, slug) VALUES (?, ?, ?)", id, name, "c-" + id);
        return id;
    }

    void member(UUID community, UUID account, String status, LocalDate paidUntil) {
        sql("INSERT INTO memberships (community_id, account_id, status, dues_paid_until) VALUES (?, ?, ?, ?)",
                community, account, status, paidUntil);
    }

    UUID tier(UUID community, String name, long amount) {
        UUID id = UUID.randomUUID();
        jdbi.useExtension(DuesTierDao.class, dao -> dao.insert(
                new DuesTier(id, community, name, amount, "eur", DuesTier.YEARLY, null, null, true, null)));
        return id;
    }

    /**
     * The scope of a card payment: a checkout of the member for the tier ({@code null}: a new tier), as the
     * application always has one (a payment never comes without its checkout or a manual one without its tier).
     */
    ConnectEventScope.Scope checkout(UUID community, UUID account, UUID tierOrNull) {
        UUID id = UUID.randomUUID();
        UUID tier = tierOrNull != null ? tierOrNull : tier(community, "Adult", 1000);
        jdbi.useExtension(DuesCheckoutDao.class, dao -> dao.insert(
                new DuesCheckoutDao.NewCheckout(id, community, account, tier, "acct_1", 1000, "eur", 30)));
        return new ConnectEventScope.Scope(community, account, id, tier, "acct_1", "Dues", 30);
    }

    /** A card payment as Stripe's events record it, for intent {@code pi}. */
    UUID card(UUID community, UUID account, UUID tier, String pi, long amount, String status, Instant paidAt) {
        ConnectEventScope.Scope scope = checkout(community, account, tier);
        PaymentDao.Attempt attempt = new PaymentDao.Attempt(UUID.randomUUID(), pi, null, null, amount, "eur", status,
                Payment.FAILED.equals(status) ? "card_declined" : null, paidAt);
        return jdbi.withExtension(PaymentDao.class, dao -> dao.insert(scope, attempt)).orElseThrow();
    }

    /** A payment a manager recorded; {@code null} tier: a new tier. */
    UUID manual(UUID community, UUID account, UUID tierOrNull, long amount, String method, Instant paidAt, String key) {
        UUID id = UUID.randomUUID();
        UUID tier = tierOrNull != null ? tierOrNull : tier(community, "Adult", 1000);
        jdbi.useExtension(PaymentDao.class, dao -> dao.insertManual(new PaymentDao.Manual(id, community, account, tier,
                "Dues", amount, "eur", paidAt, method, null, account, key)));
        return id;
    }

    void sql(String statement, Object... args) {
        jdbi.useHandle(h -> h.execute(statement, args));
    }
}
