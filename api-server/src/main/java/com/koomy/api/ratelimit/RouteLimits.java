package com.koomy.api.ratelimit;

import com.koomy.api.accounts.AccountPrincipal;

import java.security.Principal;

/**
 * Which limits a request to a route counts against: every {@code /api} request against its client address
 * ({@code perClient}) and, signed in, its account ({@code perAccount}); a route marked {@link RateLimited}
 * also against its own policy, or instead of those two. The one rule, for Jersey's {@link RateLimitFilter}
 * and for the fast paths' gate ({@code com.koomy.api.auth.RequestGate}).
 */
public final class RouteLimits {

    private RouteLimits() {
    }

    /**
     * Counts the request of {@code client} (and of {@code principal}'s account, null when signed out) on a
     * route declared {@code route} (null: no {@link RateLimited}); throws the limiter's refusal when over.
     */
    public static void charge(RateLimiter limiter, RateLimited route, String client, Principal principal) {
        if (route != null && route.value().equals(RateLimited.NONE)) {
            return;
        }
        boolean instead = route != null && route.instead();
        limiter.check(instead ? route.value() : "perClient", client);
        if (principal instanceof AccountPrincipal account) {
            limiter.check(instead ? route.value() : "perAccount", account.accountId().toString());
            if (route != null && !route.prepay().isEmpty()) {
                limiter.check(route.prepay(), account.accountId().toString(), route.prepayCost());
            }
        }
        if (route != null && !instead) {
            limiter.check(route.value(), client);
        }
    }
}
