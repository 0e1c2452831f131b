package com.koomy.api.stats;

import com.codahale.metrics.MetricRegistry;
import com.koomy.config.PrometheusNames;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Counts every {@code /api} request in {@link RequestStats} under its route template (set by
 * {@link RouteTemplateFilter}; {@code "<METHOD> (unmatched)"} for 404s and requests refused before
 * routing), with its status and duration. A servlet filter, so the time includes writing the response.
 * The same request also updates the timer {@code koomy.http.requests.<route>.<status>} of the metrics
 * registry, which {@code GET /prometheus} serves as {@code koomy_http_requests_seconds{route, status}}.
 * A method outside HTTP's own is counted as {@code OTHER}: clients choose it, series must stay bounded.
 */
public class RequestStatsFilter implements Filter {

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE");

    private final RequestStats stats;
    private final MetricRegistry metrics;

    public RequestStatsFilter(RequestStats stats, MetricRegistry metrics) {
        this.stats = stats;
        this.metrics = metrics;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        long start = System.nanoTime();
        int status = 500;
        try {
            chain.doFilter(req, res);
            status = ((HttpServletResponse) res).getStatus();
        } finally {
            long nanos = System.nanoTime() - start;
            Object matched = req.getAttribute(RouteTemplateFilter.ATTRIBUTE);
            String route = matched != null ? matched.toString() : method((HttpServletRequest) req) + " (unmatched)";
            stats.record(route, status, nanos / 1_000_000);
            metrics.timer(PrometheusNames.HTTP_REQUESTS + route + "." + status).update(nanos, TimeUnit.NANOSECONDS);
        }
    }

    private static String method(HttpServletRequest request) {
        String method = request.getMethod();
        return METHODS.contains(method) ? method : "OTHER";
    }
}
