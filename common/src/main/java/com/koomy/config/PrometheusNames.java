package com.koomy.config;

import io.prometheus.client.Collector;
import io.prometheus.client.dropwizard.samplebuilder.DefaultSampleBuilder;
import io.prometheus.client.dropwizard.samplebuilder.SampleBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dropwizard names that carry a dimension become one Prometheus name with labels; every other metric keeps
 * its name, sanitized by the bridge ({@code koomy.stripe.calls} is {@code koomy_stripe_calls}). Regular
 * expressions rather than the bridge's globs ({@code CustomMappingSampleBuilder}): a route template may hold
 * a dot ({@code /export.csv}), which a glob's {@code *} does not cross.
 */
public final class PrometheusNames implements SampleBuilder {

    /** Name prefix of the API's per-route timers ({@code koomy.http.requests.<METHOD /template>.<status>}). */
    public static final String HTTP_REQUESTS = "koomy.http.requests.";

    private record Rule(Pattern match, String name, List<String> labels) {
    }

    private static final List<Rule> RULES = List.of(
            new Rule(Pattern.compile(Pattern.quote(HTTP_REQUESTS) + "(.+)\\.([1-5][0-9][0-9])"),
                    "koomy_http_requests_seconds", List.of("route", "status")),
            // Jetty's counts by status class, on the application port.
            new Rule(Pattern.compile("io\\.dropwizard\\.jetty\\.MutableServletContextHandler\\.([1-5]xx)-responses"),
                    "jetty_responses", List.of("status")),
            // Connection pools ("postgresql", "postgresql-read", "jobrunr"): usage ratio per pool.
            new Rule(Pattern.compile("koomy\\.db\\.([^.]+)\\.usage"), "koomy_db_pool_usage", List.of("pool")));

    private final SampleBuilder names = new DefaultSampleBuilder();

    @Override
    public Collector.MetricFamilySamples.Sample createSample(String dropwizardName, String nameSuffix,
                                                             List<String> labelNames, List<String> labelValues, double value) {
        for (Rule rule : RULES) {
            Matcher m = rule.match().matcher(dropwizardName);
            if (m.matches()) {
                List<String> allNames = new ArrayList<>(rule.labels());
                List<String> allValues = new ArrayList<>();
                for (int i = 1; i <= m.groupCount(); i++) {
                    allValues.add(m.group(i));
                }
                allNames.addAll(labelNames);
                allValues.addAll(labelValues);
                return names.createSample(rule.name(), nameSuffix, allNames, allValues, value);
            }
        }
        return names.createSample(dropwizardName, nameSuffix, labelNames, labelValues, value);
    }
}
