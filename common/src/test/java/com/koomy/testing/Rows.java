package com.koomy.testing;

import com.koomy.accounts.AccountDao;
import com.koomy.communities.CommunityDao;
import com.koomy.memberships.MembershipDao;
import org.jdbi.v3.core.Jdbi;

import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The rows most DAO tests hang theirs on (accounts, communities, memberships), written through our own DAOs,
 * and plain SQL for what no DAO writes (a timestamp set in the past, a column a test reads back).
 */
public final class Rows {

    private final Jdbi jdbi;

    public Rows(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** The address {@link #account} gives an account: unique, in normal form. */
    public static String email(UUID account) {
        return account + "@example.org";
    }

    public UUID account(String name) {
        return account(UUID.randomUUID(), name);
    }

    /** With a chosen id, for a test of an order that ends on the id. */
    public UUID account(UUID id, String name) {
        if (!jdbi.withExtension(AccountDao.class, dao -> dao.insert(id, email(id), name, "fr", "hash"))) {
            throw new IllegalStateException("account not inserted");
        }
        return id;
    }

    public UUID community(String name) {
        return community(UUID.randomUUID(), name);
    }

    /** With a chosen id, for a test of an order that ends on the id. */
    public UUID community(UUID id, String name) {
        CommunityDao.NewCommunity community = new CommunityDao.NewCommunity(id, name, "c-" + id, "", "public", "open", "fr", null);
        if (!jdbi.withExtension(CommunityDao.class, dao -> dao.insert(community))) {
            throw new IllegalStateException("community not inserted");
        }
        return id;
    }

    public void member(UUID community, UUID account, String role, String status) {
        jdbi.useExtension(MembershipDao.class, dao -> dao.insert(community, account, role, status));
    }

    /** A new account, member of the community with this role and status. */
    public UUID memberOf(UUID community, String name, String role, String status) {
        UUID account = account(name);
        member(community, account, role, status);
        return account;
    }

    /** One DAO call in a transaction of its own: a lock it takes holds until the call returns. */
    public <D, T> T inTransaction(Class<D> dao, Function<D, T> call) {
        return jdbi.inTransaction(h -> call.apply(h.attach(dao)));
    }

    public void sql(String sql, Object... args) {
        jdbi.useHandle(h -> h.execute(sql, args));
    }

    public <T> T one(Class<T> type, String sql, Object... args) {
        return jdbi.withHandle(h -> h.select(sql, args).mapTo(type).one());
    }

    public long count(String sql, Object... args) {
        return one(Long.class, sql, args);
    }

    public List<String> strings(String sql, Object... args) {
        return jdbi.withHandle(h -> h.select(sql, args).mapTo(String.class).list());
    }
}
