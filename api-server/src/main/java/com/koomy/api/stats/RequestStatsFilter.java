package com.koomy.api.stats;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Counts every {@code /api} request in {@link RequestStats} under its route template (set by
 * {@link RouteTemplateFilter}; {@code "<METHOD> (unmatched)"} for 404s and requests refused before
 * routing), with its status and duration. A servlet filter, so the time includes writing the response.
 */
public class RequestStatsFilter implements Filter {

    private final RequestStats stats;

    public RequestStatsFilter(RequestStats stats) {
        this.stats = stats;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        long start = System.nanoTime();
        int status = 500;
        try {
            chain.doFilter(req, res);
            status = ((HttpServletResponse) res).getStatus();
        } finally {
            Object route = req.getAttribute(RouteTemplateFilter.ATTRIBUTE);
            stats.record(route != null ? route.toString() : ((HttpServletRequest) req).getMethod() + " (unmatched)",
                    status, (System.nanoTime() - start) / 1_000_000);
        }
    }
}
