package com.koomy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names the Prometheus dashboard (ops/grafana/koomy-dashboard-prometheus.json) queries in the
 * rows whose titles start with the given words, so that a test scraping a running process can check that
 * each exists: a renamed metric must not leave a panel empty. Names chosen by a {@code __name__} regex are
 * left out, and so are label names (no underscore).
 */
public final class DashboardNames {

    public static final Path DASHBOARD = Path.of("..", "ops", "grafana", "koomy-dashboard-prometheus.json");
    private static final Pattern NAME = Pattern.compile("(?<![a-zA-Z0-9_])([a-zA-Z][a-zA-Z0-9_:]*_[a-zA-Z0-9_:]*)\\s*[{\\[)]");

    private DashboardNames() {
    }

    public static Set<String> inRows(String... rowTitleStarts) throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        Set<String> names = new TreeSet<>();
        boolean inRow = false;
        for (JsonNode panel : dashboard.path("panels")) {
            if (panel.path("type").asText().equals("row")) {
                String title = panel.path("title").asText();
                inRow = java.util.Arrays.stream(rowTitleStarts).anyMatch(title::startsWith);
                continue;
            }
            if (!inRow) {
                continue;
            }
            for (JsonNode target : panel.path("targets")) {
                Matcher m = NAME.matcher(target.path("expr").asText());
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }
}
