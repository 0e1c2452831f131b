package com.koomy.api.fastpath;

import jakarta.servlet.http.HttpServletRequest;

import java.io.IOException;

/**
 * The fast path of one route: what the resource method {@link #route()} does, answered before Jersey. The
 * {@link FastPathFilter} matches the route, runs the shared {@link RequestGate} and the metrics; a handler
 * only does the method's own work, through the same code the resource method calls. It throws what that
 * code throws (answered as Jersey's mappers would), or returns null to let Jersey answer the request
 * (a body or parameter it does not take as is), which Jersey then neither checks nor counts again.
 */
public abstract class FastRoute {

    private final ResourceRoute route;

    protected FastRoute(ResourceRoute route) {
        this.route = route;
    }

    /** The resource method this stands in for. */
    public final ResourceRoute route() {
        return route;
    }

    /**
     * Whether this fast path takes the request at all, before the gate (the public page: signed-out callers
     * only); false leaves the whole request to Jersey. Taken by default.
     */
    public boolean takes(HttpServletRequest request) {
        return true;
    }

    /** The answer to {@code call}, which passed the gate; null to hand it to Jersey. */
    public abstract FastAnswer answer(FastCall call) throws IOException;
}
