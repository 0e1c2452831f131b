package com.koomy.load.report;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * What every part of the capacity report reads (the run's facts and its scenarios, one instance and two) and
 * the Markdown they append to, in order.
 */
abstract class ReportSection {

    static final double LIMIT_MS = 500;
    static final double BROWSE_TARGET_MS = 200;
    static final int BROWSE_TARGET_USERS = 2000;
    static final int PEAK_TARGET_USERS = 500;

    final Properties facts;
    final Optional<Run> browse;
    final Optional<Run> webhooks;
    final Optional<Run> normal;
    final Optional<Run> peak;
    final Optional<Run> browse2;
    final Optional<Run> webhooks2;
    final StringBuilder md;

    /** The run in {@code dir} (facts.properties and one directory per scenario), and an empty document. */
    ReportSection(Path dir) throws IOException {
        facts = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve("facts.properties"), StandardCharsets.UTF_8)) {
            facts.load(in);
        }
        browse = Run.load(dir.resolve("single-browse"));
        webhooks = Run.load(dir.resolve("single-webhooks"));
        normal = Run.load(dir.resolve("single-normal"));
        peak = Run.load(dir.resolve("single-peak"));
        browse2 = Run.load(dir.resolve("scaled-browse"));
        webhooks2 = Run.load(dir.resolve("scaled-webhooks"));
        md = new StringBuilder();
    }

    /** The same run and document as {@code report}. */
    ReportSection(ReportSection report) {
        facts = report.facts;
        browse = report.browse;
        webhooks = report.webhooks;
        normal = report.normal;
        peak = report.peak;
        browse2 = report.browse2;
        webhooks2 = report.webhooks2;
        md = report.md;
    }

    Stream<Run> allRuns() {
        return Stream.of(browse, webhooks, normal, peak, browse2, webhooks2).flatMap(Optional::stream);
    }

    void line(String s) {
        md.append(s).append('\n');
    }

    void line() {
        md.append('\n');
    }
}
