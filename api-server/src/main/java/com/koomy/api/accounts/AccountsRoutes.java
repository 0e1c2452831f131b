package com.koomy.api.accounts;

import com.koomy.accounts.AccountClosure;
import com.koomy.accounts.AccountDeletions;
import com.koomy.accounts.AccountExports;
import com.koomy.accounts.Accounts;
import com.koomy.accounts.MyAccount;
import com.koomy.accounts.PasswordHasher;
import com.koomy.accounts.SessionStore;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiContext;
import com.koomy.api.auth.AccessFeature;
import com.koomy.api.auth.AccessGate;
import com.koomy.api.ratelimit.RateLimiter;

/**
 * Accounts and sessions (issue 1): sign-up, sign-in, password and email links, and the gate every
 * route's {@code @Access} goes through; a member's own account (profile, password, email, sessions, data export). {@link #gate()} is handed to the fast paths and the health route.
 */
public final class AccountsRoutes {

    private final SessionStore sessions;
    private final Accounts accounts;
    private final AccessGate gate;

    public AccountsRoutes(ApiContext app) {
        ApiConfiguration config = app.config();
        this.sessions = new SessionStore(app.redis(), app.redisKeys(),
                config.getSessionIdleTimeout().toJavaDuration(), config.getSessionAbsoluteTimeout().toJavaDuration(),
                config.getRedis().getSessionReplicas(), config.getRedis().getReplicaAckTimeout().toJavaDuration());
        this.accounts = new Accounts(app.jdbi(), new PasswordHasher(), sessions, config.appPagesUrl());
        this.gate = new AccessGate(sessions, config.getOpsToken(), app.jdbi());
    }

    public AccessGate gate() {
        return gate;
    }

    /** The sessions every account route and the gate share. */
    public SessionStore sessions() {
        return sessions;
    }

    public Accounts accounts() {
        return accounts;
    }

    /**
     * Access is declared on each resource method (@Access) and checked after Jersey matched it; the fast
     * paths check the same declarations through the same gate (docs/security.md, "Authorization").
     */
    public void register(ApiContext app, RateLimiter limiter) {
        AccessFeature.register(gate, app.jersey()::register);
        app.jersey().register(new AuthResource(accounts, sessions, limiter, app.config().getTrustedProxies()));
        // A member's own account (issue 21): profile, password, email, sessions, data export (docs/api.md, "My account").
        app.jersey().register(new MeResource(accounts, new MyAccount(app.jdbi(), new PasswordHasher(), sessions, accounts),
                sessions, limiter));
        // Data exports are built by the worker (BuildAccountExportJob) from an outbox row; the link is the API's.
        app.jersey().register(new AccountExportsResource(new AccountExports(app.jdbi(), app.config().getPublicUrl(), app.clock())));
    }

    /**
     * "Delete my account" (issue 21): registered once memberships and events exist, since a deletion ends the
     * account's memberships and seats ({@code closure}) in its transaction; the erasure is the worker's
     * ({@code AccountsWorker}).
     */
    public void registerDeletion(ApiContext app, RateLimiter limiter, AccountClosure closure) {
        AccountDeletions deletions = new AccountDeletions(app.jdbi(), new PasswordHasher(), sessions, closure,
                app.config().appPagesUrl(), app.clock(), app.config().getAccountDeletion().getGrace().toJavaDuration());
        app.jersey().register(new AccountDeletionResource(deletions, accounts, limiter, app.config().getTrustedProxies()));
        app.jersey().register(new OpsAccountDeletionResource(deletions));
    }
}
