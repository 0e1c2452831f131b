package com.koomy.load.report;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * One scenario run as ops/load/capacity left it in its directory: meta.properties (what was asked),
 * steps.tsv and requests.tsv (Recorder: one line per step, and per request name within a step),
 * checks.properties (counters), verify.properties (the database check after the run).
 */
record Run(String name, Properties meta, List<Map<String, String>> steps, List<Map<String, String>> requests,
           Properties checks, Properties verify) {

    static Optional<Run> load(Path dir) throws IOException {
        if (!Files.isRegularFile(dir.resolve("steps.tsv"))) {
            return Optional.empty();
        }
        return Optional.of(new Run(dir.getFileName().toString(), props(dir.resolve("meta.properties")), tsv(dir.resolve("steps.tsv")),
                tsv(dir.resolve("requests.tsv")), props(dir.resolve("checks.properties")), props(dir.resolve("verify.properties"))));
    }

    /** The steps before the first one that crossed the limit. */
    List<Map<String, String>> within() {
        List<Map<String, String>> within = new ArrayList<>();
        for (Map<String, String> s : steps) {
            if ("yes".equals(s.get("crossed"))) {
                break;
            }
            within.add(s);
        }
        return within;
    }

    Optional<Map<String, String>> lastWithin() {
        List<Map<String, String>> w = within();
        return w.isEmpty() ? Optional.empty() : Optional.of(w.get(w.size() - 1));
    }

    Optional<Map<String, String>> crossed() {
        return steps.stream().filter(s -> "yes".equals(s.get("crossed"))).findFirst();
    }

    /** The largest step, among those before the limit was crossed, whose p95 is under LIMIT_MS. */
    Optional<Map<String, String>> largestUnder(double limitMs) {
        Map<String, String> best = null;
        for (Map<String, String> s : within()) {
            if (num(s, "p95_ms") < limitMs) {
                best = s;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The figures of one request name at one step (requests.tsv). */
    Optional<Map<String, String>> request(String step, String name) {
        return requests.stream().filter(r -> r.get("step").equals(step) && r.get("name").equals(name)).findFirst();
    }

    String verify(String key) {
        return verify.getProperty(key, "");
    }

    String check(String key) {
        return checks.getProperty(key, "");
    }

    static double num(Map<String, String> row, String key) {
        String v = row.get(key);
        return v == null || v.isBlank() ? Double.NaN : Double.parseDouble(v);
    }

    static long count(String v) {
        return v == null || v.isBlank() ? 0 : Long.parseLong(v.strip());
    }

    private static Properties props(Path file) throws IOException {
        Properties p = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
            }
        }
        return p;
    }

    private static List<Map<String, String>> tsv(Path file) throws IOException {
        List<Map<String, String>> rows = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return rows;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String[] header = lines.get(0).split("\t", -1);
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split("\t", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], i < cells.length ? cells[i] : "");
            }
            rows.add(row);
        }
        return rows;
    }
}
