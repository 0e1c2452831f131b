package com.koomy.api.accounts;

import com.koomy.accounts.AccountExports;
import com.koomy.accounts.Accounts;
import com.koomy.accounts.MyAccount;
import com.koomy.accounts.PasswordHasher;
import com.koomy.accounts.SessionStore;
import com.koomy.api.ratelimit.RateLimiter;
import io.dropwizard.core.setup.Environment;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;

/**
 * The API's part of a member's own account (issue 21): profile, password, email address, sessions and data export.
 * Registered in one call from {@link com.koomy.api.KoomyApiApplication#run}, after {@link AuthResource}.
 */
public final class MyAccountRoutes {

    private MyAccountRoutes() {
    }

    /** {@code limiter} null: rate limits disabled by configuration. */
    public static void register(Environment environment, Jdbi jdbi, Accounts accounts, SessionStore sessions,
                                RateLimiter limiter, String publicUrl) {
        MyAccount myAccount = new MyAccount(jdbi, new PasswordHasher(), sessions, accounts);
        environment.jersey().register(new MeResource(accounts, myAccount, sessions, limiter));
        // Data exports are built by the worker (BuildAccountExportJob) from an outbox row.
        environment.jersey().register(new AccountExportsResource(new AccountExports(jdbi, publicUrl, Clock.systemUTC())));
    }
}
