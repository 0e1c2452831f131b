package com.koomy.api.health;

import com.koomy.api.ApiContext;
import com.koomy.api.auth.AccessGate;
import com.koomy.config.ReadReplicaFactory;
import com.koomy.health.Readiness;

import java.time.Duration;

/** {@code /api/health} (every check, for operators and monitors) and readiness (for load balancers). */
public final class HealthRoutes {

    private HealthRoutes() {
    }

    public static void register(ApiContext app, AccessGate gate) {
        // Ready (GET /ready on the admin port, GET /api/health/ready) = this API can serve: its database pool.
        // Redis and the workers are reported by /api/health, not here: a Redis blip or a worker rollout must not
        // take every API instance out of the load balancer at once.
        Readiness readiness = app.config().getHealth().readiness(app.environment(), "database");
        app.jersey().register(new HealthResource(app.environment().healthChecks(), ReadReplicaFactory.HEALTH_CHECKS, gate,
                Duration.ofSeconds(1), readiness));
    }
}
