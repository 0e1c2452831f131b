package com.koomy.load;

import io.gatling.javaapi.core.Session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every answer, by step: Gatling's own statistics cover a whole run, and this tool needs them per step
 * of simultaneous users, and needs to stop the run as soon as one step crosses the limit. Each request
 * of a journey goes through {@link Journeys#call}, which hands its status and response time here. A
 * sample counts for step k only when it ends inside that step's window (after the ramp to it and a
 * short settle), so ramps never blur two steps together.
 *
 * Each window is measured as two halves with the same users, and the step's figures are those of the
 * better half (lower p95): on a machine shared with other people's builds, a compiler or a test JVM
 * starting for a few seconds would otherwise end a scenario on noise. A step crosses the limit only
 * when both halves do. The other half's p95 is kept in steps.tsv (p95_other_half_ms).
 *
 * A monitor thread closes each step when its window ends: it computes the step's figures, appends them
 * to steps.tsv and requests.tsv, prints one line, and raises {@link #stopRequested()} when the step
 * crossed the limit; the journeys then stop the load generator. CPU shares (CpuSnapshot) are
 * taken at each window's start and end. Counters ({@link #count}) and distinct sets ({@link #distinct})
 * feed the correctness checks run against the database afterwards (checks.properties).
 */
public final class Recorder {

    /** One step: its users per role, and its measured window (epoch ms). */
    record Step(int index, int users, double streamRate, long from, long to) {
        long middle() {
            return from + (to - from) / 2;
        }
    }

    private static LoadConfig config;
    private static List<Step> steps = List.of();
    private static final Map<String, Integer> NAME_IDS = new ConcurrentHashMap<>();
    private static final List<String> NAMES = new ArrayList<>();
    private static LongList[] samples = new LongList[0];
    private static LongList[] secondHalf = new LongList[0];
    private static CpuSnapshot[] cpuFrom = new CpuSnapshot[0];
    private static int closed;
    private static volatile String stopReason;
    private static final Map<String, LongAdder> COUNTERS = new ConcurrentHashMap<>();
    private static final Map<String, Set<String>> DISTINCT = new ConcurrentHashMap<>();
    private static ScheduledExecutorService monitor;
    private static long startedAt;

    private Recorder() {
    }

    /** Called from the simulation's before(): injection starts now. */
    static synchronized void begin(LoadConfig runConfig, List<int[]> usersPerStep, List<Double> streamRates) {
        config = runConfig;
        startedAt = System.currentTimeMillis();
        List<Step> list = new ArrayList<>();
        long cycle = runConfig.cycle().toMillis();
        for (int i = 0; i < usersPerStep.size(); i++) {
            long stepStart = startedAt + i * cycle;
            int users = Arrays.stream(usersPerStep.get(i)).sum();
            list.add(new Step(i + 1, users, streamRates.isEmpty() ? 0 : streamRates.get(i),
                    stepStart + runConfig.ramp().toMillis() + runConfig.settle().toMillis(), stepStart + cycle));
        }
        steps = List.copyOf(list);
        samples = new LongList[steps.size()];
        secondHalf = new LongList[steps.size()];
        cpuFrom = new CpuSnapshot[steps.size()];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = new LongList();
            secondHalf[i] = new LongList();
        }
        try {
            Files.createDirectories(runConfig.out());
            Files.writeString(runConfig.out().resolve("steps.tsv"), String.join("\t", "step", "users", "stream_per_s", "seconds",
                    "requests", "rps", "p50_ms", "p95_ms", "p99_ms", "max_ms", "errors", "error_pct", "p95_other_half_ms", "load1",
                    String.join("\t", CpuSnapshot.GROUPS.stream().map(g -> "cpu_" + g).toList()), "cpu_other", "cpu_idle",
                    "crossed") + "\n");
            Files.writeString(runConfig.out().resolve("requests.tsv"),
                    "step\tname\trequests\trps\tp50_ms\tp95_ms\tp99_ms\terrors\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        monitor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "koomy-load-monitor");
            t.setDaemon(true);
            return t;
        });
        monitor.scheduleAtFixedRate(Recorder::tick, 200, 200, TimeUnit.MILLISECONDS);
    }

    public static boolean stopRequested() {
        return stopReason != null;
    }

    public static String stopReason() {
        return stopReason == null ? "" : stopReason;
    }

    /** The answer of one request (see Journeys.call): status 0 when none came (timeout, refused connection). */
    static void record(String name, Session session, long startMillis) {
        long now = System.currentTimeMillis();
        int status = session.contains("koomyStatus") ? ((Number) session.get("koomyStatus")).intValue() : 0;
        long rt = session.contains("koomyRt") ? ((Number) session.get("koomyRt")).longValue() : now - startMillis;
        boolean ok = (status >= 200 && status < 300) || status == 304;
        count(name + (ok ? ".ok" : ".error"));
        Step step = stepAt(now);
        if (step == null) {
            return;
        }
        int id = NAME_IDS.computeIfAbsent(name, n -> {
            synchronized (NAMES) {
                NAMES.add(n);
                return NAMES.size() - 1;
            }
        });
        (now < step.middle() ? samples : secondHalf)[step.index() - 1]
                .add(((long) id << 40) | ((ok ? 0L : 1L) << 39) | Math.min(rt, (1L << 39) - 1));
    }

    public static void count(String key) {
        COUNTERS.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    public static void distinct(String set, String value) {
        DISTINCT.computeIfAbsent(set, k -> ConcurrentHashMap.newKeySet()).add(value);
    }

    private static Step stepAt(long now) {
        for (Step s : steps) {
            if (now >= s.from() && now < s.to()) {
                return s;
            }
        }
        return null;
    }

    private static synchronized void tick() {
        long now = System.currentTimeMillis();
        for (Step s : steps) {
            if (cpuFrom[s.index() - 1] == null && now >= s.from()) {
                cpuFrom[s.index() - 1] = CpuSnapshot.take(config);
            }
        }
        // After a crossing the run is ending: later windows hold the stragglers of a stopping run.
        while (stopReason == null && closed < steps.size() && now >= steps.get(closed).to()) {
            close(steps.get(closed));
            closed++;
        }
    }

    /** Called from the simulation's after(): closes the steps whose window has ended, writes the counters. */
    static synchronized void finish() {
        if (monitor == null) {
            return;
        }
        monitor.shutdownNow();
        long now = System.currentTimeMillis() + 500;
        while (stopReason == null && closed < steps.size() && now >= steps.get(closed).to() && cpuFrom[closed] != null) {
            close(steps.get(closed));
            closed++;
        }
        StringBuilder out = new StringBuilder();
        out.append("started_at_ms=").append(startedAt).append('\n');
        out.append("ended_at_ms=").append(System.currentTimeMillis()).append('\n');
        out.append("steps_planned=").append(steps.size()).append('\n');
        out.append("steps_measured=").append(closed).append('\n');
        out.append("stop_reason=").append(stopReason()).append('\n');
        new TreeMap<>(COUNTERS).forEach((k, v) -> out.append("count.").append(k).append('=').append(v.sum()).append('\n'));
        new TreeMap<>(DISTINCT).forEach((k, v) -> out.append("distinct.").append(k).append('=').append(v.size()).append('\n'));
        try {
            Files.writeString(config.out().resolve("checks.properties"), out.toString());
            // The ids themselves, so the database check can look for each accepted webhook (not only count them).
            for (Map.Entry<String, Set<String>> set : DISTINCT.entrySet()) {
                Files.write(config.out().resolve(set.getKey() + ".ids"), set.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void close(Step step) {
        long[] first = samples[step.index() - 1].toArray();
        long[] second = secondHalf[step.index() - 1].toArray();
        Stats a = Stats.of(Arrays.stream(first));
        Stats b = Stats.of(Arrays.stream(second));
        boolean firstBetter = b.count == 0 || (a.count > 0 && a.p95 <= b.p95);
        long[] all = firstBetter ? first : second;
        Stats total = firstBetter ? a : b;
        Stats other = firstBetter ? b : a;
        double seconds = (step.to() - step.from()) / 2000.0;
        // Nothing answered during a whole half: the stack is down or hopelessly behind.
        boolean crossed = crosses(a) && crosses(b);
        Map<String, Double> cpu = cpuFrom[step.index() - 1] == null ? Map.of()
                : CpuSnapshot.shares(cpuFrom[step.index() - 1], CpuSnapshot.take(config));
        StringBuilder line = new StringBuilder();
        line.append(step.index()).append('\t').append(step.users()).append('\t').append(fmt(step.streamRate())).append('\t')
                .append(fmt(seconds)).append('\t').append(total.count).append('\t').append(fmt(total.count / seconds)).append('\t')
                .append(total.p50).append('\t').append(total.p95).append('\t').append(total.p99).append('\t').append(total.max)
                .append('\t').append(total.errors).append('\t').append(fmt(total.errorPct())).append('\t').append(other.p95)
                .append('\t').append(loadAverage());
        for (String g : CpuSnapshot.GROUPS) {
            line.append('\t').append(cpu.containsKey(g) ? fmt(cpu.get(g)) : "");
        }
        line.append('\t').append(cpu.containsKey("other") ? fmt(cpu.get("other")) : "")
                .append('\t').append(cpu.containsKey("idle") ? fmt(cpu.get("idle")) : "")
                .append('\t').append(crossed ? "yes" : "no").append('\n');
        StringBuilder byName = new StringBuilder();
        List<String> names;
        synchronized (NAMES) {
            names = List.copyOf(NAMES);
        }
        for (int id = 0; id < names.size(); id++) {
            final long wanted = id;
            Stats s = Stats.of(Arrays.stream(all).filter(v -> (v >>> 40) == wanted));
            if (s.count > 0) {
                byName.append(step.index()).append('\t').append(names.get(id)).append('\t').append(s.count).append('\t')
                        .append(fmt(s.count / seconds)).append('\t').append(s.p50).append('\t').append(s.p95).append('\t')
                        .append(s.p99).append('\t').append(s.errors).append('\n');
            }
        }
        try {
            Files.writeString(config.out().resolve("steps.tsv"), line, java.nio.file.StandardOpenOption.APPEND);
            Files.writeString(config.out().resolve("requests.tsv"), byName, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.printf(Locale.ROOT, "KOOMY-STEP %d: %d users%s, %.1f req/s, p50 %d ms, p95 %d ms (other half %d ms), p99 %d ms, errors %.2f %% (%d)%s%n",
                step.index(), step.users(), step.streamRate() > 0 ? String.format(Locale.ROOT, " + %.0f webhooks/s", step.streamRate()) : "",
                total.count / seconds, total.p50, total.p95, other.p95, total.p99, total.errorPct(), total.errors, crossed ? "  <- limit crossed" : "");
        if (crossed && stopReason == null) {
            stopReason = String.format(Locale.ROOT, "step %d (%d users): p95 %d ms, errors %.2f %% (limit: p95 %.0f ms, errors %.1f %%)",
                    step.index(), step.users(), total.p95, total.errorPct(), config.maxP95Ms(), config.maxErrorPct());
        }
    }

    private static boolean crosses(Stats half) {
        return half.count == 0 || half.p95 > config.maxP95Ms() || half.errorPct() > config.maxErrorPct();
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

    /** Nearest-rank percentiles over the packed samples (name id << 40 | error << 39 | milliseconds). */
    private record Stats(long count, long errors, long p50, long p95, long p99, long max) {
        static Stats of(java.util.stream.LongStream packed) {
            long[] values = packed.toArray();
            long errors = Arrays.stream(values).filter(v -> ((v >>> 39) & 1) == 1).count();
            long[] ms = Arrays.stream(values).map(v -> v & ((1L << 39) - 1)).sorted().toArray();
            return new Stats(ms.length, errors, pct(ms, 0.50), pct(ms, 0.95), pct(ms, 0.99), ms.length == 0 ? 0 : ms[ms.length - 1]);
        }

        double errorPct() {
            return count == 0 ? 0 : 100.0 * errors / count;
        }

        private static long pct(long[] sorted, double p) {
            return sorted.length == 0 ? 0 : sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
        }
    }

    /** An append-only list of longs, guarded by its own lock (many Gatling threads add, one reader at the end). */
    private static final class LongList {
        private long[] values = new long[1024];
        private int size;

        synchronized void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        synchronized long[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
