package com.koomy.api.memberships;

import com.koomy.api.fastpath.FastAnswer;
import com.koomy.api.fastpath.FastCall;
import com.koomy.api.fastpath.FastRoute;
import com.koomy.api.fastpath.ResourceRoute;
import com.koomy.memberships.MemberQuery;
import com.koomy.memberships.Memberships;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@link MembershipsResource#members} (the member directory) before Jersey: Jersey's routing, injection and
 * writers were about half of a directory read's cost. The same parameter checks
 * ({@link MembershipsResource#query}), then the caller's right in one cheap statement on every read
 * ({@link Memberships#requireManagerRight}: 404 for non-members, 403 for members, as the resource's query
 * decides), then the page from {@link DirectoryPages} (at most its local TTL old).
 */
final class DirectoryFastRoute extends FastRoute {

    private final Memberships memberships;
    private final DirectoryPages pages;

    DirectoryFastRoute(ResourceRoute route, Memberships memberships, DirectoryPages pages) {
        super(route);
        this.memberships = memberships;
        this.pages = pages;
    }

    @Override
    public FastAnswer answer(FastCall call) throws IOException {
        HttpServletRequest request = call.request();
        MemberQuery query = MembershipsResource.query(request.getParameter("status"), request.getParameter("role"),
                request.getParameter("dues"), request.getParameter("q"), request.getParameter("missingRequired"),
                request.getParameter("limit"), request.getParameter("cursor"));
        Map<String, List<String>> parameters = new HashMap<>();
        request.getParameterMap().forEach((name, values) -> parameters.put(name, List.of(values)));
        query = MembershipsResource.withFields(query, parameters);
        UUID communityId = call.parameter(0);
        memberships.requireManagerRight(communityId, call.accountId());
        return FastAnswer.json(HttpServletResponse.SC_OK, pages.page(communityId, call.accountId(), query));
    }
}
