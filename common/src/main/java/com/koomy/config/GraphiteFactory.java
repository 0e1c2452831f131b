package com.koomy.config;

import com.codahale.metrics.MetricFilter;
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
 * Ships every metric to Graphite over its plaintext protocol. Off by default; the prefix names the
 * process and the instance so that several of each stay apart.
 */
public class GraphiteFactory {

    private boolean enabled = false;
    @NotEmpty private String host = "127.0.0.1";
    @Min(1) @Max(65535) private int port = 2003;
    @NotNull private Duration period = Duration.seconds(10);
    @NotEmpty private String prefix = "koomy";

    public void build(Environment environment, String process, String instance) {
        if (!enabled) {
            return;
        }
        GraphiteReporter reporter = GraphiteReporter.forRegistry(environment.metrics())
                .prefixedWith(prefix + "." + process + "." + instance)
                .convertRatesTo(TimeUnit.SECONDS)
                .convertDurationsTo(TimeUnit.MILLISECONDS)
                .filter(MetricFilter.ALL)
                .build(new Graphite(new InetSocketAddress(host, port)));
        environment.lifecycle().manage(new Managed() {
            @Override public void start() { reporter.start(period.toMilliseconds(), TimeUnit.MILLISECONDS); }
            @Override public void stop() { reporter.stop(); }
        });
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
