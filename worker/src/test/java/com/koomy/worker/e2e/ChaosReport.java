package com.koomy.worker.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The figures and named checks of one chaos scenario. Every check is an assertion, collected so that a run
 * reports all of them before it fails: {@link #assertAllPassed} fails the test with the failed ones. The block
 * goes to the test's output and to {@code target/chaos/<scenario>.md}, which {@code ops/chaos} files under
 * ops/run/chaos/ and copies into docs/reliability-report.md.
 */
final class ChaosReport {

    private final String scenario;
    private final Map<String, String> figures = new LinkedHashMap<>();
    private final Map<String, Boolean> checks = new LinkedHashMap<>();

    ChaosReport(String scenario) {
        this.scenario = scenario;
    }

    void figure(String name, Object value) {
        figures.put(name, String.valueOf(value));
    }

    void check(String name, boolean passed) {
        checks.put(name, passed);
    }

    /** Seconds with one decimal between two epoch-millisecond instants ("never" when {@code toMs} is 0). */
    static String secs(long fromMs, long toMs) {
        return toMs == 0 ? "never" : String.format("%.1f s", (toMs - fromMs) / 1000.0);
    }

    /** Writes the block, then fails the test if a check failed. */
    void assertAllPassed(String injected) {
        List<String> failed = new ArrayList<>();
        checks.forEach((name, passed) -> {
            if (!passed) {
                failed.add(name);
            }
        });
        String verdict = failed.isEmpty() ? "PASS" : "FAIL";
        StringBuilder md = new StringBuilder("### `" + scenario + "`: " + verdict + "\n\nRun "
                + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"))
                + " (JUnit, ops/chaos " + scenario + ").\n\nInjected: " + injected + "\n\n```\n");
        figures.forEach((name, value) -> md.append(String.format("%-44s %s%n", name, value)));
        md.append("```\n\n");
        checks.forEach((name, passed) -> md.append("- ").append(passed ? "PASS  " : "FAIL  ").append(name).append('\n'));
        md.append('\n');
        System.out.println("== ops/chaos " + scenario + ": " + verdict + "\n" + md);
        try {
            Path file = KoomyProcess.MODULE.resolve("target/chaos/" + scenario + ".md");
            Files.createDirectories(file.getParent());
            Files.writeString(file, md);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(failed).as("failed checks of chaos scenario " + scenario).isEmpty();
    }
}
