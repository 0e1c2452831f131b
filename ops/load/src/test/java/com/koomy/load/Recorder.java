package com.koomy.load;

import io.gatling.javaapi.core.Session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
 * of a journey goes through {@link MeasuredCalls#call}, which hands its status and response time here. A
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
            StepTables.create(runConfig.out());
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

    /** The answer of one request (see MeasuredCalls.call): status 0 when none came (timeout, refused connection). */
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
        StepStats a = StepStats.of(Arrays.stream(first));
        StepStats b = StepStats.of(Arrays.stream(second));
        boolean firstBetter = b.count() == 0 || (a.count() > 0 && a.p95() <= b.p95());
        long[] all = firstBetter ? first : second;
        StepStats total = firstBetter ? a : b;
        StepStats other = firstBetter ? b : a;
        double seconds = (step.to() - step.from()) / 2000.0;
        // Nothing answered during a whole half: the stack is down or hopelessly behind.
        boolean crossed = crosses(a) && crosses(b);
        Map<String, Double> cpu = cpuFrom[step.index() - 1] == null ? Map.of()
                : CpuSnapshot.shares(cpuFrom[step.index() - 1], CpuSnapshot.take(config));
        List<String> names;
        synchronized (NAMES) {
            names = List.copyOf(NAMES);
        }
        try {
            StepTables.append(config.out(), step, seconds, total, other, cpu, crossed);
            StepTables.appendByName(config.out(), step, seconds, names, all);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.printf(Locale.ROOT, "KOOMY-STEP %d: %d users%s, %.1f req/s, p50 %d ms, p95 %d ms (other half %d ms), p99 %d ms, errors %.2f %% (%d)%s%n",
                step.index(), step.users(), step.streamRate() > 0 ? String.format(Locale.ROOT, " + %.0f webhooks/s", step.streamRate()) : "",
                total.count() / seconds, total.p50(), total.p95(), other.p95(), total.p99(), total.errorPct(), total.errors(), crossed ? "  <- limit crossed" : "");
        if (crossed && stopReason == null) {
            stopReason = String.format(Locale.ROOT, "step %d (%d users): p95 %d ms, errors %.2f %% (limit: p95 %.0f ms, errors %.1f %%)",
                    step.index(), step.users(), total.p95(), total.errorPct(), config.maxP95Ms(), config.maxErrorPct());
        }
    }

    private static boolean crosses(StepStats half) {
        return half.count() == 0 || half.p95() > config.maxP95Ms() || half.errorPct() > config.maxErrorPct();
    }

}
