package com.koomy.config;

import com.codahale.metrics.graphite.Graphite;
import com.codahale.metrics.graphite.GraphiteReporter;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Ships every metric to Graphite over its plaintext protocol. Off by default (Prometheus scrapes
 * {@code /prometheus} instead). Series are named {@code <prefix>.<process>.<instance>.<metric>}, the instance
 * {@link InstanceName} ({@code KOOMY_INSTANCE}, else process and host; never a PID), so names stay the same
 * across restarts and a dashboard keeps its series. The API's per-route timers
 * ({@code koomy.http.requests.*}, labels in Prometheus) are not sent: a route template's slashes and braces
 * make no Graphite path, and the resources' own timers carry the same figures per method.
 */
public class GraphiteFactory {

    private boolean enabled = false;
    @NotEmpty private String host = "127.0.0.1";
    @Min(1) @Max(65535) private int port = 2003;
    @NotNull private Duration period = Duration.seconds(10);
    @NotEmpty private String prefix = "koomy";

    public void build(Environment environment, String process) {
        if (!enabled) {
            return;
        }
        GraphiteReporter reporter = GraphiteReporter.forRegistry(environment.metrics())
                .prefixedWith(prefix(process, InstanceName.of(process)))
                .convertRatesTo(TimeUnit.SECONDS)
                .convertDurationsTo(TimeUnit.MILLISECONDS)
                .filter((name, metric) -> !name.startsWith(PrometheusNames.HTTP_REQUESTS))
                .build(new Graphite(new InetSocketAddress(host, port)));
        environment.lifecycle().manage(new Managed() {
            @Override public void start() { reporter.start(period.toMilliseconds(), TimeUnit.MILLISECONDS); }
            @Override public void stop() { reporter.stop(); }
        });
    }

    /** An instance name's dots would split it into levels. */
    String prefix(String process, String instance) {
        return prefix + "." + process + "." + instance.replace('.', '_');
    }

    @JsonProperty public boolean isEnabled() { return enabled; }
    @JsonProperty public void setEnabled(boolean enabled) { this.enabled = enabled; }
    @JsonProperty public String getHost() { return host; }
    @JsonProperty public void setHost(String host) { this.host = host; }
    @JsonProperty public int getPort() { return port; }
    @JsonProperty public void setPort(int port) { this.port = port; }
    @JsonProperty public Duration getPeriod() { return period; }
    @JsonProperty public void setPeriod(Duration period) { this.period = period; }
    @JsonProperty public String getPrefix() { return prefix; }
    @JsonProperty public void setPrefix(String prefix) { this.prefix = prefix; }
}
