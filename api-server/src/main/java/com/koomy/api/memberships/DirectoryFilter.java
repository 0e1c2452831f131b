package com.koomy.api.memberships;

import com.koomy.api.accounts.AccountPrincipal;
import com.koomy.api.auth.Access;
import com.koomy.api.auth.AccessGate;
import com.koomy.api.http.FastPaths;
import com.koomy.api.http.ClientAddress;
import com.koomy.api.ratelimit.RateLimiter;
import com.koomy.api.stats.RouteTemplateFilter;
import com.koomy.memberships.MemberQuery;
import com.koomy.memberships.Memberships;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.UUID;

/**
 * Answers {@code GET /api/communities/{id}/members} (the member directory) before Jersey, as
 * {@code PublicPageFilter} and {@code DoorScanFilter} do for their routes: Jersey's routing, injection and
 * writers were about half of a directory read's cost. Same checks, same answer as
 * {@link MembershipsResource#members}: the session, the per-client and per-account rate limits, the
 * query parameters, and the caller's right (an active owner or admin), checked on every request before
 * the page is taken from {@link DirectoryPages}. Anything else steps aside to Jersey, which answers it:
 * no or an unknown session, a bad parameter, an exceeded limit, a caller without the right, any error.
 */
public class DirectoryFilter implements Filter {

    static final String PREFIX = "/api/communities/";
    static final String SUFFIX = "/members";
    static final String ROUTE = "GET /api/communities/{communityId}/members";

    private final DirectoryPages pages;
    private final Memberships memberships;
    private final AccessGate gate;
    /** Who may read the directory: what {@link MembershipsResource#members} declares. */
    private static final Access.Who WHO = AccessGate.declared(MembershipsResource.class, "members");
    private final RateLimiter limiter;
    private final ClientAddress clientAddress;

    /** {@code limiter}: null when rate limits are off. */
    public DirectoryFilter(DirectoryPages pages, Memberships memberships, AccessGate gate, RateLimiter limiter,
                           ClientAddress clientAddress) {
        this.pages = pages;
        this.memberships = memberships;
        this.gate = gate;
        this.limiter = limiter;
        this.clientAddress = clientAddress;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        UUID communityId = communityId(request);
        byte[] body = communityId == null ? null : page(request, communityId);
        if (body == null) {
            chain.doFilter(req, res);
            return;
        }
        request.setAttribute(RouteTemplateFilter.ATTRIBUTE, ROUTE);
        FastPaths.writeJson((HttpServletResponse) res, HttpServletResponse.SC_OK, body);
    }

    /** The page, once everything Jersey would check passed; null to step aside. */
    private byte[] page(HttpServletRequest request, UUID communityId) {
        try {
            java.security.Principal principal = gate.authenticate(request.getHeader("Authorization")).orElse(null);
            gate.require(WHO, principal);
            UUID caller = ((AccountPrincipal) principal).accountId();
            if (limiter != null) {
                limiter.check("perClient", clientAddress.of(request));
                limiter.check("perAccount", caller.toString());
            }
            MemberQuery query = MembershipsResource.query(request.getParameter("status"), request.getParameter("role"),
                    request.getParameter("dues"), request.getParameter("q"), request.getParameter("limit"),
                    request.getParameter("cursor"));
            if (MembershipsResource.filtersFields(request.getParameterMap()) || !memberships.isManager(communityId, caller)) {
                return null;
            }
            return pages.page(communityId, caller, query);
        } catch (IOException | RuntimeException e) {
            return null; // Jersey answers: 400, 401, 403, 404, 429 or 503, as for any request
        }
    }

    /** The community id of {@code GET /api/communities/{uuid}/members}; null for any other request. */
    static UUID communityId(HttpServletRequest request) {
        return FastPaths.id(request, "GET", PREFIX, SUFFIX);
    }
}
