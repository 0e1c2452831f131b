package com.koomy.api.accounts;

import com.koomy.accounts.Session;

import java.security.Principal;
import java.util.UUID;

/** The signed-in account of a request, resolved from its bearer token. */
public record AccountPrincipal(Session session) implements Principal {

    public UUID accountId() {
        return session.accountId();
    }

    @Override
    public String getName() {
        return session.accountId().toString();
    }
}
