package com.koomy.api.fastpath;

import com.koomy.api.auth.AccessGate;
import com.koomy.api.auth.SessionAuthFilter;
import com.koomy.api.http.ApiExceptionMapper;
import com.koomy.api.http.ClientAddress;
import com.koomy.api.ratelimit.RateLimiter;
import com.koomy.api.ratelimit.RouteLimits;
import com.koomy.errors.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import java.lang.reflect.Method;
import java.security.Principal;

/**
 * What Jersey's filters do to a request before its resource method runs, in their order, for a fast path:
 * authentication ({@link AccessGate#authenticate}, as {@link SessionAuthFilter}), the method's declared
 * {@code @Access} ({@link AccessGate#require}, as {@code AccessFeature}) and its rate limits
 * ({@link RouteLimits}, as {@code RateLimitFilter}). A request that passes is marked ({@link #PASSED}, with
 * the resource method and the principal): when the fast path then hands it to Jersey, Jersey's filters take
 * the principal from the mark and neither check nor count it again for that method. A refusal is the
 * answer Jersey's filter would give (same status, JSON error and headers).
 */
public final class RequestGate {

    /** Request attribute: the {@link Passed} of a request the gate let through. */
    public static final String PASSED = "koomy.gate.passed";

    /** A request let through on the route of {@code method}, by {@code principal} (null: signed out). */
    public record Passed(Method method, Principal principal) {
    }

    /** The gate's refusal, as Jersey's filters answer it. */
    public static final class Refused extends Exception {
        private final transient Response response;

        Refused(Response response) {
            super(null, null, false, false);
            this.response = response;
        }

        public Response response() {
            return response;
        }
    }

    private static final ApiExceptionMapper LIMIT_REFUSALS = new ApiExceptionMapper();

    private final AccessGate access;
    private final RateLimiter limiter;
    private final ClientAddress clientAddress;

    /** {@code limiter}: {@link RateLimiter#NONE} when rate limits are off. */
    public RequestGate(AccessGate access, RateLimiter limiter, ClientAddress clientAddress) {
        this.access = access;
        this.limiter = limiter;
        this.clientAddress = clientAddress;
    }

    /** Authenticates, checks and counts {@code request} on {@code route}, and marks it; or refuses it. */
    public Passed pass(HttpServletRequest request, ResourceRoute route) throws Refused {
        Principal principal;
        try {
            principal = access.authenticate(request.getHeader(HttpHeaders.AUTHORIZATION)).orElse(null);
            access.require(route.who(), principal);
        } catch (ApiException e) {
            throw new Refused(SessionAuthFilter.refusal(e));
        }
        try {
            RouteLimits.charge(limiter, route.limits(), clientAddress.of(request), principal);
        } catch (ApiException e) {
            throw new Refused(LIMIT_REFUSALS.toResponse(e));
        }
        Passed passed = new Passed(route.method(), principal);
        request.setAttribute(PASSED, passed);
        return passed;
    }

    /** Whether the request attribute {@code mark} says the gate let the request through for {@code method}. */
    public static boolean passed(Object mark, Method method) {
        return method != null && mark instanceof Passed passed && passed.method().equals(method);
    }
}
