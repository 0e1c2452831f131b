package com.koomy.api.ratelimit;

import com.koomy.api.fastpath.RequestGate;
import com.koomy.api.http.ClientAddress;
import jakarta.annotation.Priority;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;

import java.lang.reflect.Method;

/**
 * Every {@code /api} request counts against its client address and, when signed in, its account;
 * a route marked {@link RateLimited} also against its own, stricter policy. Webhooks from Stripe
 * and SendGrid are not limited ({@code @RateLimited(NONE)}): refusing them would only make the providers retry
 * later; nor are media blobs, meant to sit behind a CDN whose few addresses would share one budget. The rule
 * is {@link RouteLimits}'; a request a fast path's gate has already counted for the same method is not counted again.
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
        Method method = resource == null ? null : resource.getResourceMethod();
        if (RequestGate.passed(request.getProperty(RequestGate.PASSED), method)) {
            return; // a fast path's gate already counted this request for this very method
        }
        RouteLimits.charge(limiter, method == null ? null : method.getAnnotation(RateLimited.class),
                clientAddress(request), request.getSecurityContext() == null ? null
                        : request.getSecurityContext().getUserPrincipal());
    }

    private String clientAddress(ContainerRequestContext request) {
        // Every X-Forwarded-For line, not getHeaderString's first: a proxy may append its own line.
        return clientAddress.of(request.getHeaders().get(ClientAddress.HEADER),
                servletRequest == null ? null : servletRequest.getRemoteAddr());
    }
}
