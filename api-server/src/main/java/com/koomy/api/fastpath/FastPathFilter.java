package com.koomy.api.fastpath;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.api.http.ApiExceptionMapper;
import com.koomy.api.http.BodyReplay;
import com.koomy.api.http.FallbackExceptionMapper;
import com.koomy.api.stats.RouteTemplateFilter;
import com.koomy.errors.ApiException;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.List;
import java.util.UUID;

/**
 * The one mechanism that answers hot routes before Jersey (docs/architecture.md, "Fast paths"): Jersey's
 * routing, injection, filters and writers were half or more of these requests' cost. For a request that
 * exactly matches one {@link FastRoute}'s resource method (method, canonical path, media types), it runs
 * the shared {@link RequestGate} (session, declared access, rate limits: refusals answered as Jersey's
 * filters answer them), names the route for the statistics, runs the handler and records the resource
 * method's own {@code @Timed} timer and {@code @ExceptionMetered} meter; exceptions are answered by
 * Jersey's own exception mappers. Any other request, and any request a handler hands on, goes to Jersey
 * (with the body as received); a handed-on request carries the gate's mark, so it is checked and counted once.
 */
public final class FastPathFilter implements Filter {

    private static final ApiExceptionMapper REFUSALS = new ApiExceptionMapper();
    private static final FallbackExceptionMapper FAILURES = new FallbackExceptionMapper();

    private final List<FastRoute> routes;
    private final RequestGate gate;
    private final ObjectMapper json;

    public FastPathFilter(List<FastRoute> routes, RequestGate gate, ObjectMapper json) {
        this.routes = List.copyOf(routes);
        this.gate = gate;
        this.json = json;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        for (FastRoute fast : routes) {
            List<UUID> parameters = fast.route().match(request);
            if (parameters != null) {
                if (fast.takes(request) && fast.route().negotiable(request)) {
                    serve(fast, parameters, request, (HttpServletResponse) res, chain);
                    return;
                }
                break;
            }
        }
        chain.doFilter(req, res);
    }

    private void serve(FastRoute fast, List<UUID> parameters, HttpServletRequest request, HttpServletResponse response,
                       FilterChain chain) throws IOException, ServletException {
        ResourceRoute route = fast.route();
        RequestGate.Passed passed;
        try {
            passed = gate.pass(request, route);
        } catch (RequestGate.Refused refused) {
            FastAnswer.write(response, refused.response(), json);
            return;
        }
        request.setAttribute(RouteTemplateFilter.ATTRIBUTE, route.name()); // as Jersey names it once past its filters
        FastCall call = new FastCall(request, parameters, passed.principal());
        long start = System.nanoTime();
        FastAnswer answer;
        try {
            answer = fast.answer(call);
        } catch (ApiException e) {
            failed(route, start);
            FastAnswer.write(response, REFUSALS.toResponse(e), json);
            return;
        } catch (RuntimeException e) {
            failed(route, start);
            FastAnswer.write(response, FAILURES.toResponse(e), json);
            return;
        }
        if (answer == null) {
            byte[] read = call.read();
            chain.doFilter(read == null ? request : new BodyReplay(request, read), response);
            return;
        }
        timed(route, start);
        answer.write(response);
    }

    private static void failed(ResourceRoute route, long start) {
        timed(route, start);
        if (route.exceptions() != null) {
            route.exceptions().mark();
        }
    }

    private static void timed(ResourceRoute route, long start) {
        if (route.timer() != null) {
            route.timer().update(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }
}
