package com.koomy.api.ratelimit;

import com.koomy.api.accounts.AccountPrincipal;
import com.koomy.api.http.ClientAddress;
import jakarta.annotation.Priority;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;

/**
 * Every {@code /api} request counts against its client address and, when signed in, its account;
 * a route marked {@link RateLimited} also against its own, stricter policy. Webhooks from Stripe
 * and SendGrid are not limited ({@code @RateLimited(NONE)}): refusing them would only make the providers retry
 * later; nor are media blobs, meant to sit behind a CDN whose few addresses would share one budget.
 */
@Priority(Priorities.AUTHORIZATION + 10)
public class RateLimitFilter implements ContainerRequestFilter {

    private final RateLimiter limiter;
    private final ClientAddress clientAddress;

    @Context
    private ResourceInfo resource;
    @Context
    private HttpServletRequest servletRequest;

    public RateLimitFilter(RateLimiter limiter, ClientAddress clientAddress) {
        this.limiter = limiter;
        this.clientAddress = clientAddress;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        RateLimited route = resource == null || resource.getResourceMethod() == null ? null
                : resource.getResourceMethod().getAnnotation(RateLimited.class);
        if (route != null && route.value().equals(RateLimited.NONE)) {
            return;
        }
        String client = clientAddress(request);
        boolean instead = route != null && route.instead();
        limiter.check(instead ? route.value() : "perClient", client);
        if (request.getSecurityContext() != null && request.getSecurityContext().getUserPrincipal() instanceof AccountPrincipal account) {
            limiter.check(instead ? route.value() : "perAccount", account.accountId().toString());
            if (route != null && !route.prepay().isEmpty()) {
                limiter.check(route.prepay(), account.accountId().toString(), route.prepayCost());
            }
        }
        if (route != null && !instead) {
            limiter.check(route.value(), client);
        }
    }

    private String clientAddress(ContainerRequestContext request) {
        // Every X-Forwarded-For line, not getHeaderString's first: a proxy may append its own line.
        return clientAddress.of(request.getHeaders().get(ClientAddress.HEADER),
                servletRequest == null ? null : servletRequest.getRemoteAddr());
    }
}
