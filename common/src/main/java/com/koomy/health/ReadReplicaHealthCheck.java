package com.koomy.health;

import com.codahale.metrics.health.HealthCheck;
import com.koomy.db.ReplicaMonitor;

/**
 * Whether reads go to the read replica now ({@link ReplicaMonitor}'s last check: cheap). Unhealthy
 * means the replica is unreachable or lagging and reads fall back to the primary: the API still works,
 * so {@code /api/health} reports it under {@code degraded} without changing its status.
 */
public class ReadReplicaHealthCheck extends HealthCheck {

    private final ReplicaMonitor monitor;

    public ReadReplicaHealthCheck(ReplicaMonitor monitor) {
        this.monitor = monitor;
    }

    @Override
    protected Result check() {
        ReplicaMonitor.State state = monitor.state();
        ResultBuilder builder = state.usable() ? Result.builder().healthy() : Result.builder().unhealthy();
        return builder.withMessage(state.usable() ? "reads on the replica: " + state.reason()
                        : "reads on the primary: " + state.reason())
                .withDetail("usable", state.usable())
                .withDetail("reachable", state.reachable())
                .withDetail("standby", state.standby())
                .withDetail("lagSeconds", state.lagSeconds())
                .withDetail("maxLagSeconds", monitor.maxLag().toMillis() / 1000.0)
                .withDetail("checkedAt", state.checkedAt().toString())
                .build();
    }
}
