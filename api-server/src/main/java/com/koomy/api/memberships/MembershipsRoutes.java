package com.koomy.api.memberships;

import com.koomy.api.ApiContext;
import com.koomy.api.fastpath.FastRoute;
import com.koomy.api.fastpath.ResourceRoute;
import com.koomy.billing.PlanLimits;
import com.koomy.communities.Communities;
import com.koomy.communities.CommunityKeys;
import com.koomy.events.Registrations;
import com.koomy.memberships.FellowMembers;
import com.koomy.memberships.Invitations;
import com.koomy.memberships.MemberExport;
import com.koomy.memberships.MemberFields;
import com.koomy.memberships.MembershipRequests;
import com.koomy.memberships.MembershipCards;
import com.koomy.memberships.Memberships;

/**
 * Memberships (issue 4): joining and roles, the member directory, invitations, the export and membership
 * cards; member fields and membership requests (issue 21). The plan's limits apply to joins and invitations;
 * {@link #fastRoute} answers directory reads before Jersey.
 */
public final class MembershipsRoutes {

    private final Communities communities;
    private final CommunityKeys communityKeys;
    private final PlanLimits limits;
    private final Memberships memberships;
    private final DirectoryPages directoryPages;

    public MembershipsRoutes(ApiContext app, Communities communities, CommunityKeys communityKeys, PlanLimits limits,
                             Registrations registrations) {
        this.communities = communities;
        this.communityKeys = communityKeys;
        this.limits = limits;
        this.memberships = new Memberships(app.jdbi(), app.reads(), communities, limits, registrations);
        // Directory pages from memory for 1 s (DirectoryPages; docs/architecture.md).
        this.directoryPages = new DirectoryPages(memberships, communities, app.json(),
                app.config().getCache().getDirectoryLocalTtl().toJavaDuration(),
                app.config().getCache().getDirectoryLocalMaxSize().toBytes(), app.metrics());
    }

    /** {@code GET /api/communities/{communityId}/members} before Jersey (docs/architecture.md, "Fast paths"). */
    public FastRoute fastRoute(ApiContext app) {
        return new DirectoryFastRoute(ResourceRoute.of(MembershipsResource.class, "members", app.metrics()),
                memberships, directoryPages);
    }

    public void register(ApiContext app) {
        app.jersey().register(new MembershipsResource(memberships, new FellowMembers(app.reads())));
        app.jersey().register(new MemberFieldsResource(new MemberFields(app.jdbi(), communities)));
        app.jersey().register(new MembershipRequestsResource(new MembershipRequests(app.jdbi(), communities)));
        app.jersey().register(new InvitationsResource(new Invitations(app.jdbi(), app.config().appPagesUrl(), app.clock(),
                communities, limits)));
        app.jersey().register(new MemberExportResource(new MemberExport(app.jdbi())));
        app.jersey().register(new MembershipCardResource(new MembershipCards(app.jdbi(), communityKeys, app.clock())));
    }
}
