package com.koomy.api.auth;

import com.koomy.accounts.AccountDao;
import com.koomy.accounts.Session;
import com.koomy.accounts.SessionStore;
import com.koomy.api.accounts.AccountPrincipal;
import com.koomy.api.auth.Access.Who;
import com.koomy.errors.ApiException;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Principal;
import java.util.Optional;

/**
 * The one place that turns credentials into a principal and decides whether a principal may call a
 * route declared with {@link Access}. Jersey's filters ({@link SessionAuthFilter}, {@link AccessFeature})
 * and the fast paths that answer a route before Jersey both call it, with the declaration of the
 * resource method the route belongs to; nothing here reads the request's path.
 */
public final class AccessGate {

    private static final Logger LOG = LoggerFactory.getLogger(AccessGate.class);
    /** Session tokens are much shorter; a longer bearer is unknown without asking Redis. */
    private static final int MAX_SESSION_TOKEN = 100;

    private final SessionStore sessions;
    private final byte[] operatorToken;
    private final Jdbi jdbi;

    /** {@code operatorToken}: {@code KOOMY_OPS_TOKEN}, or null/blank when operators sign in with accounts only. */
    public AccessGate(SessionStore sessions, String operatorToken, Jdbi jdbi) {
        this.sessions = sessions;
        this.operatorToken = operatorToken == null ? new byte[0] : operatorToken.strip().getBytes(StandardCharsets.UTF_8);
        this.jdbi = jdbi;
    }

    /** The bearer token of an {@code Authorization} header value; empty without one. */
    public static Optional<String> bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = authorization.substring(7).strip();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    /**
     * The principal of an {@code Authorization} header value: empty without a bearer token; the operator
     * token's principal (compared in constant time); else the session's account. An unknown or expired
     * token is 401 (never an anonymous pass), a session store that cannot be asked 503.
     */
    public Optional<Principal> authenticate(String authorization) {
        Optional<String> token = bearer(authorization);
        if (token.isEmpty()) {
            return Optional.empty();
        }
        if (operatorToken.length > 0
                && MessageDigest.isEqual(token.get().getBytes(StandardCharsets.UTF_8), operatorToken)) {
            return Optional.of(new OperatorPrincipal());
        }
        Optional<Session> session;
        try {
            session = token.get().length() > MAX_SESSION_TOKEN ? Optional.empty() : sessions.resolve(token.get());
        } catch (RuntimeException e) {
            // One line per refused request, without a stack: an outage must not flood the log.
            LOG.error("Cannot check a session, answering 503: the session store (Redis) failed: {}", e.toString());
            throw new ApiException(503, "sessions_unavailable", "sessions cannot be checked right now; retry later");
        }
        if (session.isEmpty()) {
            throw new ApiException(401, "invalid_session", "the session token is unknown or expired; sign in again");
        }
        return Optional.of(new AccountPrincipal(session.get()));
    }

    /**
     * Refuses {@code principal} (null when signed out) on a route declared {@code who}: 401 signed out, 403
     * not an operator on an operator route; 503 when an operator route has no way in at all. The community
     * levels need an account here; the community's check decides the role (see {@link Access}).
     */
    public void require(Who who, Principal principal) {
        switch (who) {
            case ANYONE -> { }
            case OPERATOR -> requireOperator(principal);
            default -> {
                if (!(principal instanceof AccountPrincipal)) {
                    throw new ApiException(401, "unauthorized", "sign in first: Authorization: Bearer <session token>");
                }
            }
        }
    }

    /** Whether {@code principal} (null when signed out) may call a route declared {@code who}. */
    public boolean allows(Who who, Principal principal) {
        try {
            require(who, principal);
            return true;
        } catch (ApiException refused) {
            return false;
        }
    }

    private void requireOperator(Principal principal) {
        if (principal instanceof OperatorPrincipal) {
            return;
        }
        if (principal instanceof AccountPrincipal account) {
            boolean operator = jdbi.withExtension(AccountDao.class, dao -> dao.find(account.accountId()))
                    .map(a -> a.platformOperator()).orElse(false);
            if (!operator) {
                throw new ApiException(403, "forbidden", "operator routes are for platform operators");
            }
            return;
        }
        if (operatorToken.length == 0) {
            throw new ApiException(503, "ops_not_configured", "operator routes need an operator account or KOOMY_OPS_TOKEN");
        }
        throw new ApiException(401, "unauthorized", "operator routes need Authorization: Bearer <operator token or operator's session>");
    }

    /** The level declared on {@code method}, or on its class; null when neither declares one. */
    public static Who declared(Method method) {
        Access access = method.getAnnotation(Access.class);
        if (access == null) {
            access = method.getDeclaringClass().getAnnotation(Access.class);
        }
        return access == null ? null : access.value();
    }

    /**
     * The level declared on the resource method {@code name} of {@code resource}: what a fast path answering
     * that route before Jersey checks. Fails at start when the method or its declaration is gone.
     */
    public static Who declared(Class<?> resource, String name) {
        for (Method method : resource.getMethods()) {
            if (method.getName().equals(name) && declared(method) != null) {
                return declared(method);
            }
        }
        throw new IllegalStateException(resource.getSimpleName() + "." + name + " declares no @Access");
    }
}
