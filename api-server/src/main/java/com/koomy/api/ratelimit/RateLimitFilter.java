package com.koomy.api.ratelimit;

import com.koomy.api.accounts.AccountPrincipal;
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
 * and SendGrid are not limited here: refusing them would only make the providers retry later.
 */
@Priority(Priorities.AUTHORIZATION + 10)
public class RateLimitFilter implements ContainerRequestFilter {

    private final RateLimiter limiter;
    private final boolean trustForwardedFor;

    @Context
    private ResourceInfo resource;
    @Context
    private HttpServletRequest servletRequest;

    public RateLimitFilter(RateLimiter limiter, boolean trustForwardedFor) {
        this.limiter = limiter;
        this.trustForwardedFor = trustForwardedFor;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        // Media blobs are static files meant to sit behind a CDN, whose few addresses would share one budget.
        if (path.startsWith("api/webhooks/") || path.equals("api/health") || path.startsWith("media/")) {
            return;
        }
        String client = clientAddress(request);
        RateLimited route = resource == null || resource.getResourceMethod() == null ? null
                : resource.getResourceMethod().getAnnotation(RateLimited.class);
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
        return ClientAddress.of(request.getHeaderString("X-Forwarded-For"),
                servletRequest == null ? null : servletRequest.getRemoteAddr(), trustForwardedFor);
    }
}
