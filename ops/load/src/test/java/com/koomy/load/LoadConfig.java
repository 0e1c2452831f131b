package com.koomy.load;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What one simulation run is asked to do, from system properties (ops/load/capacity passes them to
 * `mvn gatling:test`; the Gatling plugin hands them on to its forked JVM).
 *
 * <pre>
 *   load.baseUrl        the API (or the balancer)                    http://127.0.0.1:8080
 *   load.data           the seed's files (ids, session tokens, signed QR codes)
 *   load.out            where this run writes steps.tsv, requests.tsv, checks.properties
 *   load.levels         simultaneous users of each step, ascending   e.g. 250,500,1000
 *   load.levelSeconds   how long each step holds its users            20
 *   load.rampSeconds    ramp from one step to the next (not measured) 5
 *   load.settleSeconds  skipped at the start of each step             2
 *   load.maxP95Ms       the stop rule: p95 above this ...             500
 *   load.maxErrorPct    ... or errors above this percentage            1
 *   load.thinkMinMs, load.thinkMaxMs  a user's pause between two requests (uniform)  3000, 7000
 *   load.runId          tags what this run writes (event ids, scan ids)
 *   load.offset         this run's number within a capacity run (0, 1...): registrations start at
 *                       another member and another event, so no run repeats an earlier one's
 *   load.pids.api, load.pids.worker, load.pids.stub  processes whose CPU is reported apart
 *   load.database       our database: PostgreSQL backends serving it count as "postgres"  koomy
 * </pre>
 */
public record LoadConfig(String baseUrl, Path data, Path out, List<Integer> levels, Duration level, Duration ramp,
                         Duration settle, double maxP95Ms, double maxErrorPct, Duration thinkMin, Duration thinkMax,
                         String runId, int offset, List<Long> apiPids, List<Long> workerPids, List<Long> stubPids,
                         String database) {

    public static LoadConfig fromSystemProperties() {
        return new LoadConfig(
                System.getProperty("load.baseUrl", "http://127.0.0.1:8080"),
                Path.of(required("load.data")),
                Path.of(required("load.out")),
                Arrays.stream(required("load.levels").split(",")).map(String::strip).map(Integer::valueOf).toList(),
                Duration.ofSeconds(Long.getLong("load.levelSeconds", 20)),
                Duration.ofSeconds(Long.getLong("load.rampSeconds", 5)),
                Duration.ofSeconds(Long.getLong("load.settleSeconds", 2)),
                Double.parseDouble(System.getProperty("load.maxP95Ms", "500")),
                Double.parseDouble(System.getProperty("load.maxErrorPct", "1")),
                Duration.ofMillis(Long.getLong("load.thinkMinMs", 3000)),
                Duration.ofMillis(Long.getLong("load.thinkMaxMs", 7000)),
                System.getProperty("load.runId", Long.toString(System.currentTimeMillis(), 36)),
                Integer.getInteger("load.offset", 0),
                pids("load.pids.api"), pids("load.pids.worker"), pids("load.pids.stub"),
                System.getProperty("load.database", "koomy"));
    }

    /** One step's cycle: the ramp to it, then the time it holds. */
    public Duration cycle() {
        return ramp.plus(level);
    }

    public Duration total() {
        return cycle().multipliedBy(levels.size());
    }

    private static String required(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("system property " + name + " is required (see LoadConfig)");
        }
        return value;
    }

    private static List<Long> pids(String name) {
        String value = System.getProperty(name, "");
        return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).map(Long::valueOf).toList();
    }
}
