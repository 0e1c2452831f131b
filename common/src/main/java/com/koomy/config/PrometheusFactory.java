package com.koomy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.setup.Environment;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.dropwizard.DropwizardExports;
import io.prometheus.client.servlet.jakarta.exporter.MetricsServlet;

/**
 * {@code GET /prometheus} on the admin port: every metric of this process's Dropwizard registry in the
 * Prometheus text format, through Prometheus' own bridge ({@code simpleclient_dropwizard}), with the
 * labels {@link PrometheusNames} gives. Behind the admin credentials like {@code /metrics} (a scraper sends
 * them with {@code basic_auth}); the {@code instance} label is the scraper's (docs/operations.md,
 * "Prometheus"). A registry of its own per process, so several apps in one JVM (tests) never mix.
 */
public class PrometheusFactory {

    public static final String PATH = "/prometheus";

    private boolean enabled = true;

    public void serve(Environment environment) {
        if (!enabled) {
            return;
        }
        CollectorRegistry registry = new CollectorRegistry();
        new DropwizardExports(environment.metrics(), new PrometheusNames()).register(registry);
        environment.admin().addServlet("prometheus", new MetricsServlet(registry)).addMapping(PATH);
    }

    @JsonProperty public boolean isEnabled() { return enabled; }
    @JsonProperty public void setEnabled(boolean enabled) { this.enabled = enabled; }
}
