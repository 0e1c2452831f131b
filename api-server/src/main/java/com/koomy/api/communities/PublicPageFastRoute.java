package com.koomy.api.communities;

import com.koomy.api.fastpath.FastAnswer;
import com.koomy.api.fastpath.FastCall;
import com.koomy.api.fastpath.FastRoute;
import com.koomy.api.fastpath.ResourceRoute;
import com.koomy.api.http.ConditionalGet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.HttpHeaders;

import java.util.Map;

/**
 * {@link CommunitiesResource#page} for signed-out visitors, before Jersey: the passive-browsing read (capacity
 * analysis, R3) then skips Jersey's routing, filters and writers, which were most of its cost. Same page
 * ({@link PublicPages#anonymousPage}: bytes, ETag, 404 for unknown or private communities), same headers,
 * 304 on a matching {@code If-None-Match}. A signed-in caller's page (and any request with an
 * {@code Authorization} or {@code If-Match} header) is Jersey's.
 */
final class PublicPageFastRoute extends FastRoute {

    private final PublicPages pages;

    PublicPageFastRoute(ResourceRoute route, PublicPages pages) {
        super(route);
        this.pages = pages;
    }

    @Override
    public boolean takes(HttpServletRequest request) {
        return request.getHeader(HttpHeaders.AUTHORIZATION) == null && request.getHeader(HttpHeaders.IF_MATCH) == null;
    }

    @Override
    public FastAnswer answer(FastCall call) {
        PublicPages.Rendered page = pages.anonymousPage(call.parameter(0));
        String etag = '"' + page.etag() + '"';
        Map<String, String> headers = Map.of(HttpHeaders.ETAG, etag, HttpHeaders.CACHE_CONTROL, ConditionalGet.PUBLIC,
                HttpHeaders.VARY, HttpHeaders.AUTHORIZATION);
        if (ConditionalGet.matches(call.request().getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
            return new FastAnswer(HttpServletResponse.SC_NOT_MODIFIED, headers, null);
        }
        return new FastAnswer(HttpServletResponse.SC_OK, headers, page.body());
    }
}
