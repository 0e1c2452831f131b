package com.koomy.api.alerts;

import com.codahale.metrics.health.HealthCheck;

/**
 * One alert as a Dropwizard health check, {@code alert-<name>}: on the admin port's
 * {@code /healthcheck} (which answers 500 while an alert is active: monitoring, not routing) and in
 * {@code /api/health}'s {@code alerts}, which never change that route's status, so a slow database
 * does not take every instance out of the load balancer at once. Reads the last evaluation: cheap.
 */
public class AlertCheck extends HealthCheck {

    public static final String PREFIX = "alert-";

    private final Alerts alerts;
    private final String name;

    public AlertCheck(Alerts alerts, String name) {
        this.alerts = alerts;
        this.name = name;
    }

    @Override
    protected Result check() {
        return alerts.state(name).map(state -> {
            ResultBuilder builder = state.active() ? Result.builder().unhealthy() : Result.builder().healthy();
            return builder.withMessage(state.message())
                    .withDetail("active", state.active())
                    .withDetail("since", state.since())
                    .withDetail("value", state.value())
                    .withDetail("threshold", state.threshold())
                    .build();
        }).orElseGet(() -> Result.healthy("not evaluated yet"));
    }
}
