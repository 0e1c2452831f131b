package com.koomy.api.health;

import com.koomy.api.auth.Access;
import com.codahale.metrics.annotation.Timed;
import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import com.koomy.api.alerts.AlertCheck;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.koomy.api.auth.AccessGate;
import com.koomy.health.Readiness;
import com.koomy.api.ratelimit.RateLimited;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * {@code GET /api/health} (R8): the registered checks' verdict. 200 when all pass; 503 with {@code failed}
 * naming each failing check, so a load balancer and a person both read it. Each check's details, the alerts,
 * uptime and memory are for operators only. A probe reads results at most a second old: a flood of probes
 * costs one run of the checks a second, and the route is rate limited like any other.
 * Alerts ({@code alert-*} checks) are listed under {@code alerts} and never change the status: an
 * alert such as "p95 over 2 s" holds for every instance at once, and taking them all out of rotation
 * would turn a slowdown into an outage. Advisory checks (the read replica's) are listed with the
 * others and, when failing, under {@code degraded}, without changing the status either: reads fall
 * back to the primary, so the instance still serves everything.
 */
@Path("/api/health")
@Tag(name = "operations")
@Produces(MediaType.APPLICATION_JSON)
public class HealthResource {

    private final Set<String> advisory;
    private final AccessGate gate;
    private final Readiness readiness;
    /** The checks' last results: a probe costs one read of this, the checks run at most once a second. */
    private final LoadingCache<Boolean, SortedMap<String, HealthCheck.Result>> results;

    /**
     * {@code advisory}: checks that report but never make the instance unhealthy. {@code refreshEvery}: how
     * long results are answered before the checks run again (one caller runs them, the others wait for it).
     */
    public HealthResource(HealthCheckRegistry checks, Set<String> advisory, AccessGate gate, Duration refreshEvery,
                          Readiness readiness) {
        this.readiness = readiness;
        this.advisory = Set.copyOf(advisory);
        this.gate = gate;
        this.results = Caffeine.newBuilder().expireAfterWrite(refreshEvery).build(k -> checks.runHealthChecks());
    }

    @Access(Access.Who.ANYONE)
    @GET
    @Timed
    @RateLimited(value = "health", instead = true)
    @Operation(operationId = "getHealth", summary = "Health of this API instance and what it depends on",
            description = "Checks the database, Redis and the job queue (a live background job server), at most once "
                    + "a second per instance (a probe reads the last results). 200 {status, degraded?} when all pass; "
                    + "503 with `failed` naming each failing check. A failing read replica is listed under `degraded` and "
                    + "keeps the status: reads fall back to the primary. Operators (operator token or an operator's "
                    + "session) also get each check, the alerts, uptime and memory. Rate limited per client address "
                    + "(policy `health`).",
            responses = {@ApiResponse(responseCode = "200", description = "healthy", content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = HealthReport.class))),
                    @ApiResponse(responseCode = "503", description = "unhealthy: see failed", content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = HealthReport.class)))})
    public Response health(@Context SecurityContext context) {
        SortedMap<String, HealthCheck.Result> results = this.results.get(Boolean.TRUE);
        Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
        Map<String, Map<String, Object>> alerts = new LinkedHashMap<>();
        List<String> failed = new ArrayList<>();
        List<String> degraded = new ArrayList<>();
        results.forEach((name, result) -> {
            if (name.startsWith(AlertCheck.PREFIX)) {
                alerts.put(name.substring(AlertCheck.PREFIX.length()), describe(result));
                return;
            }
            byName.put(name, describe(result));
            if (!result.isHealthy()) {
                (advisory.contains(name) ? degraded : failed).add(name);
            }
        });
        String status = failed.isEmpty() ? "healthy" : "unhealthy";
        List<String> failedOrNone = failed.isEmpty() ? null : failed;
        List<String> degradedOrNone = degraded.isEmpty() ? null : degraded;
        HealthReport body = gate.allows(Access.Who.OPERATOR, context.getUserPrincipal())
                ? new HealthReport(status, failedOrNone, degradedOrNone, byName, alerts,
                        ManagementFactory.getRuntimeMXBean().getUptime() / 1000, memory())
                : new HealthReport(status, failedOrNone, degradedOrNone, null, null, null, null);
        return Response.status(failed.isEmpty() ? 200 : 503).entity(body).build();
    }

    @GET
    @Path("/ready")
    @Timed
    @RateLimited(value = "health", instead = true)
    @Access(Access.Who.ANYONE)
    @Operation(operationId = "getReadiness", summary = "Whether this API instance can serve (its database pool): the readiness probe",
            description = "200 {status: ready}; 503 {status: not_ready, failed: [database]}. Redis or the workers being "
                    + "down does not make an instance unready (GET /api/health reports them), so a Redis blip or a worker "
                    + "rollout never takes every instance out of the load balancer. Results at most 1 s old; rate limited "
                    + "per client address (policy `health`).",
            responses = {@ApiResponse(responseCode = "200", description = "ready", content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", schema = @io.swagger.v3.oas.annotations.media.Schema(type = "object"))),
                    @ApiResponse(responseCode = "503", description = "not ready: see failed", content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json", schema = @io.swagger.v3.oas.annotations.media.Schema(type = "object")))})
    public Response ready() {
        Map<String, Object> body = readiness.body();
        return Response.status("ready".equals(body.get("status")) ? 200 : 503).entity(body).build();
    }

    private static Map<String, Object> describe(HealthCheck.Result result) {
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("healthy", result.isHealthy());
        if (result.getMessage() != null) {
            check.put("message", result.getMessage());
        }
        if (result.getDetails() != null) {
            check.putAll(result.getDetails());
        }
        return check;
    }

    private static HealthReport.Memory memory() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        return new HealthReport.Memory(heap.getUsed(), heap.getMax(),
                heap.getMax() > 0 ? (double) heap.getUsed() / heap.getMax() : null, nonHeap.getUsed());
    }
}
