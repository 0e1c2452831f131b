package com.koomy.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run's two tables of figures, one line per step (steps.tsv) and one per step and request name
 * (requests.tsv), written by {@link Recorder} as each step closes.
 */
final class StepTables {

    private StepTables() {
    }

    /** Both files with their header lines, in {@code out} (created if needed). */
    static void create(Path out) throws IOException {
        Files.createDirectories(out);
        Files.writeString(out.resolve("steps.tsv"), String.join("\t", "step", "users", "stream_per_s", "seconds",
                "requests", "rps", "p50_ms", "p95_ms", "p99_ms", "max_ms", "errors", "error_pct", "p95_other_half_ms", "load1",
                String.join("\t", CpuSnapshot.GROUPS.stream().map(g -> "cpu_" + g).toList()), "cpu_other", "cpu_idle",
                "crossed") + "\n");
        Files.writeString(out.resolve("requests.tsv"),
                "step\tname\trequests\trps\tp50_ms\tp95_ms\tp99_ms\terrors\n");
    }

    /** The step's line: the better half's figures ({@code total}), the other half's p95, CPU shares. */
    static void append(Path out, Recorder.Step step, double seconds, StepStats total, StepStats other, Map<String, Double> cpu,
                       boolean crossed) throws IOException {
        StringBuilder line = new StringBuilder();
        line.append(step.index()).append('\t').append(step.users()).append('\t').append(fmt(step.streamRate())).append('\t')
                .append(fmt(seconds)).append('\t').append(total.count()).append('\t').append(fmt(total.count() / seconds)).append('\t')
                .append(total.p50()).append('\t').append(total.p95()).append('\t').append(total.p99()).append('\t').append(total.max())
                .append('\t').append(total.errors()).append('\t').append(fmt(total.errorPct())).append('\t').append(other.p95())
                .append('\t').append(loadAverage());
        for (String g : CpuSnapshot.GROUPS) {
            line.append('\t').append(cpu.containsKey(g) ? fmt(cpu.get(g)) : "");
        }
        line.append('\t').append(cpu.containsKey("other") ? fmt(cpu.get("other")) : "")
                .append('\t').append(cpu.containsKey("idle") ? fmt(cpu.get("idle")) : "")
                .append('\t').append(crossed ? "yes" : "no").append('\n');
        Files.writeString(out.resolve("steps.tsv"), line, StandardOpenOption.APPEND);
    }

    /** A line per request name of the step's samples ({@code all}: name id << 40 | error << 39 | milliseconds). */
    static void appendByName(Path out, Recorder.Step step, double seconds, List<String> names, long[] all) throws IOException {
        StringBuilder byName = new StringBuilder();
        for (int id = 0; id < names.size(); id++) {
            final long wanted = id;
            StepStats s = StepStats.of(Arrays.stream(all).filter(v -> (v >>> 40) == wanted));
            if (s.count() > 0) {
                byName.append(step.index()).append('\t').append(names.get(id)).append('\t').append(s.count()).append('\t')
                        .append(fmt(s.count() / seconds)).append('\t').append(s.p50()).append('\t').append(s.p95()).append('\t')
                        .append(s.p99()).append('\t').append(s.errors()).append('\n');
            }
        }
        Files.writeString(out.resolve("requests.tsv"), byName, StandardOpenOption.APPEND);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "";
        }
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
