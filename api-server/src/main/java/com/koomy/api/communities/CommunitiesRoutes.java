package com.koomy.api.communities;

import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiContext;
import com.koomy.api.fastpath.FastRoute;
import com.koomy.api.fastpath.ResourceRoute;
import com.koomy.communities.Communities;
import com.koomy.communities.CommunityDiscovery;
import com.koomy.communities.CommunityLife;

/**
 * Communities (issue 4): their pages, cached in Redis (R3; docs/architecture.md, "Caching") and, for
 * signed-out readers, in this process ({@link PublicPages}). {@link #communities()} is handed to
 * memberships, which invalidate the pages too (they show the active member count).
 */
public final class CommunitiesRoutes {

    private final Communities communities;
    private final PublicPages publicPages;
    private final CommunityLife life;
    private final PublicDiscovery discovery;

    public CommunitiesRoutes(ApiContext app) {
        ApiConfiguration config = app.config();
        this.communities = new Communities(app.jdbi(), config.getCache().build("communities", Communities.CACHE_SCHEMA,
                config.getCache().getCommunityTtl(), app.json().constructType(Communities.PublicPart.class),
                app.redis(), app.redisKeys(), app.environment()), config.getCommunitiesPerAccountPerDay());
        this.publicPages = new PublicPages(communities, app.json(),
                config.getCache().getPublicPageLocalTtl().toJavaDuration(),
                config.getCache().getPublicPageLocalMaxSize().toBytes(), app.metrics());
        // A community's life and discovery (issue 21; docs/architecture.md, "A community's life").
        this.life = new CommunityLife(app.jdbi(), communities, config.getCommunityDeletionGrace().toJavaDuration());
        this.discovery = new PublicDiscovery(new CommunityDiscovery(app.reads(), config.getCache().build("discovery",
                CommunityDiscovery.CACHE_SCHEMA, config.getCache().getDiscoveryTtl(),
                app.json().constructType(CommunityDiscovery.Found.class), app.redis(), app.redisKeys(), app.environment())),
                communities, app.json(), config.getCache().getPublicPageLocalTtl().toJavaDuration(),
                config.getCache().getPublicPageLocalMaxSize().toBytes(), app.metrics());
    }

    public Communities communities() {
        return communities;
    }

    /** Signed-out page reads, answered from memory before Jersey (docs/architecture.md, "Fast paths"). */
    public FastRoute fastRoute(ApiContext app) {
        return new PublicPageFastRoute(ResourceRoute.of(CommunitiesResource.class, "page", app.metrics()), publicPages);
    }

    public void register(ApiContext app) {
        app.jersey().register(new CommunitiesResource(communities, publicPages, app.json()));
        app.jersey().register(new CommunityLifeResource(life, communities));
        app.jersey().register(new DiscoveryResource(discovery, app.json()));
    }
}
