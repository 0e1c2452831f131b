package com.koomy.api.communities;

import com.koomy.api.http.ConditionalGet;
import com.koomy.api.http.FastPaths;
import com.koomy.api.http.ClientAddress;
import com.koomy.api.ratelimit.RateLimiter;
import com.koomy.api.stats.RouteTemplateFilter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.HttpHeaders;

import java.io.IOException;
import java.util.Optional;
import java.util.UUID;

/**
 * Answers {@code GET /api/communities/{id}} for signed-out visitors straight from {@link PublicPages},
 * before Jersey: the passive-browsing read (capacity analysis, R3) then skips Jersey's routing, filters
 * and writers, which were most of its cost. It behaves as {@link CommunitiesResource#page} does for
 * them (same bytes, ETag, {@code Cache-Control}, {@code Vary}, 304 on {@code If-None-Match}; the
 * request log, statistics and the per-client rate limit still apply) and steps aside to Jersey for
 * everything else: a signed-in caller, an unknown or private community (404), an exceeded rate limit
 * (429), any error (Jersey's mappers answer it).
 */
public class PublicPageFilter implements Filter {

    static final String PREFIX = "/api/communities/";
    static final String ROUTE = "GET /api/communities/{id}";

    private final PublicPages pages;
    private final RateLimiter limiter;
    private final ClientAddress clientAddress;

    /** {@code limiter}: null when rate limits are off. */
    public PublicPageFilter(PublicPages pages, RateLimiter limiter, ClientAddress clientAddress) {
        this.pages = pages;
        this.limiter = limiter;
        this.clientAddress = clientAddress;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        UUID id = anonymousPageId(request);
        Optional<PublicPages.Rendered> page = id == null ? Optional.empty() : page(request, id);
        if (page.isEmpty()) {
            chain.doFilter(req, res);
            return;
        }
        HttpServletResponse response = (HttpServletResponse) res;
        request.setAttribute(RouteTemplateFilter.ATTRIBUTE, ROUTE);
        String etag = '"' + page.get().etag() + '"';
        response.setHeader(HttpHeaders.ETAG, etag);
        response.setHeader(HttpHeaders.CACHE_CONTROL, ConditionalGet.PUBLIC);
        response.setHeader(HttpHeaders.VARY, HttpHeaders.AUTHORIZATION);
        if (matches(request.getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        FastPaths.writeJson(response, HttpServletResponse.SC_OK, page.get().body());
    }

    private Optional<PublicPages.Rendered> page(HttpServletRequest request, UUID id) {
        try {
            if (limiter != null) {
                limiter.check("perClient", clientAddress.of(request));
            }
            return pages.anonymous(id);
        } catch (RuntimeException e) {
            return Optional.empty(); // Jersey answers: 429 with Retry-After, 503, or the error's own status
        }
    }

    /** The id of {@code GET /api/communities/{uuid}} without credentials; null for any other request. */
    static UUID anonymousPageId(HttpServletRequest request) {
        return request.getHeader(HttpHeaders.AUTHORIZATION) != null ? null : FastPaths.id(request, "GET", PREFIX, "");
    }

    /** RFC 9110 weak comparison, as for GET: {@code *}, or any listed tag equal to ours with or without W/. */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.strip();
            if (tag.equals("*") || tag.equals(etag) || (tag.startsWith("W/") && tag.substring(2).equals(etag))) {
                return true;
            }
        }
        return false;
    }
}
