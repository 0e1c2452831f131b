package com.koomy.health;

import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.dropwizard.core.setup.Environment;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Readiness, as orchestrators mean it: this process can serve its own work. Only the checks named here
 * count (the database pool for the API; the database and the job server for a worker), so a Redis blip or
 * a worker rollout never takes every API instance out of the load balancer at once: the detailed health
 * ({@code /api/health}, {@code /healthcheck}) still reports them. Results are at most a second old (one
 * run a second whatever the probe rate). Served at {@code GET /ready} on the admin port (open, like
 * {@code /ping}) and, on the API, at {@code GET /api/health/ready}.
 */
public final class Readiness {

    public static final String PATH = "/ready";

    private final HealthCheckRegistry registry;
    private final List<String> names;
    private final LoadingCache<Boolean, List<String>> failed;

    public Readiness(HealthCheckRegistry registry, List<String> names, Duration refreshEvery) {
        this.registry = registry;
        this.names = List.copyOf(names);
        this.failed = Caffeine.newBuilder().expireAfterWrite(refreshEvery).build(k -> runChecks());
    }

    private List<String> runChecks() {
        List<String> failing = new ArrayList<>();
        for (String name : names) {
            HealthCheck.Result result;
            try {
                result = registry.runHealthCheck(name);
            } catch (RuntimeException notRegistered) {
                result = HealthCheck.Result.unhealthy(notRegistered);
            }
            if (!result.isHealthy()) {
                failing.add(name);
            }
        }
        return List.copyOf(failing);
    }

    /** The checks of readiness that fail now (empty: ready). */
    public List<String> failed() {
        return failed.get(Boolean.TRUE);
    }

    /** {@code {"status": "ready"}} or {@code {"status": "not_ready", "failed": [...]}}. */
    public Map<String, Object> body() {
        List<String> failing = failed();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", failing.isEmpty() ? "ready" : "not_ready");
        if (!failing.isEmpty()) {
            body.put("failed", failing);
        }
        return body;
    }

    /** Serves {@code GET /ready} on the admin port. */
    public Readiness serveOnAdminPort(Environment environment) {
        ObjectMapper json = environment.getObjectMapper();
        environment.admin().addServlet("ready", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                Map<String, Object> body = body();
                response.setStatus("ready".equals(body.get("status")) ? 200 : 503);
                response.setContentType("application/json");
                response.setHeader("Cache-Control", "no-store");
                json.writeValue(response.getOutputStream(), body);
            }
        }).addMapping(PATH);
        return this;
    }
}
