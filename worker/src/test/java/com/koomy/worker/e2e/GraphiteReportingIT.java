package com.koomy.worker.e2e;

import com.koomy.testing.FreePorts;
import com.koomy.testing.TestDatabase;
import com.koomy.testing.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Metrics reach a real Graphite: {@code ops/graphite up} starts Debian's carbon-cache on a free port
 * with its storage in a temporary directory, the API and the worker run from the packaged jars with
 * {@code GRAPHITE_ENABLED=true}, and their metrics must show up in carbon's whisper files under
 * {@code koomy.<process>.<instance>.} with recent values. Needs {@code carbon-cache} on the PATH
 * ({@code ops/koomy test} and {@code ops/graphite up} install graphite-carbon when it is absent).
 */
class GraphiteReportingIT {

    private static final Path OPS_GRAPHITE = KoomyProcess.MODULE.resolve("../ops/graphite").normalize();

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static Path graphiteDir;
    private static int carbonPort;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void startCarbon() throws Exception {
        if (!onPath("carbon-cache")) {
            throw new IllegalStateException("carbon-cache is not installed: this test needs a real Graphite. Run "
                    + "`ops/graphite up` once (it installs Debian's graphite-carbon), or `apt-get install "
                    + "--no-install-recommends graphite-carbon`, or run the tests through `ops/koomy test`");
        }
        graphiteDir = Files.createTempDirectory("koomy-graphite-");
        carbonPort = FreePorts.next();
        String output = opsGraphite("up");
        assertThat(output).contains("Graphite (carbon-cache) is up: plaintext on 127.0.0.1:" + carbonPort);
    }

    @AfterAll
    static void stopCarbon() throws Exception {
        if (graphiteDir == null) {
            return;
        }
        try {
            opsGraphite("down");
        } finally {
            try (Stream<Path> files = Files.walk(graphiteDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void bothProcessesReportTheirMetricsToCarbonUnderTheirOwnPrefix() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String apiInstance = "it-api-" + suffix;
        String workerInstance = "it-worker-" + suffix;
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", db.url());
        env.put("DATABASE_USER", TestDatabase.user());
        env.put("DATABASE_PASSWORD", TestDatabase.password());
        env.put("STRIPE_WEBHOOK_SECRET", "whsec_graphite_test");
        env.put("KOOMY_REDIS_PREFIX", TestRedis.newPrefix());
        env.put("KOOMY_DASHBOARD_ENABLED", "false");
        env.put("KOOMY_API_DB_MAX", "8");
        int apiPort = FreePorts.next();
        int workerAdminPort = FreePorts.next();
        env.put("KOOMY_API_PORT", String.valueOf(apiPort));
        env.put("KOOMY_API_ADMIN_PORT", String.valueOf(FreePorts.next()));
        env.put("KOOMY_WORKER_ADMIN_PORT", String.valueOf(workerAdminPort));
        env.put("GRAPHITE_ENABLED", "true");
        env.put("GRAPHITE_HOST", "127.0.0.1");
        env.put("GRAPHITE_PORT", String.valueOf(carbonPort));
        env.put("GRAPHITE_PERIOD", "1s");
        env.put("GRAPHITE_PREFIX", "koomy");
        Map<String, String> workerEnv = new HashMap<>(env);
        workerEnv.put("KOOMY_INSTANCE", workerInstance);
        Map<String, String> apiEnv = new HashMap<>(env);
        apiEnv.put("KOOMY_INSTANCE", apiInstance);

        Instant started = Instant.now();
        try (KoomyProcess worker = KoomyProcess.worker("graphite-worker", workerEnv, workerAdminPort);
             KoomyProcess api = KoomyProcess.api("graphite-api", apiEnv, apiPort)) {
            worker.awaitHealthy(Duration.ofSeconds(90));
            api.awaitHealthy(Duration.ofSeconds(90));
            int requests = 5;
            for (int i = 0; i < requests; i++) {
                assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api/health"))
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
            }

            String apiPrefix = "koomy.api." + apiInstance + ".";
            String workerPrefix = "koomy.worker." + workerInstance + ".";
            // What operators watch (docs/operations.md, ops/grafana/koomy-dashboard.json), one of each kind.
            List<String> present = List.of(
                    apiPrefix + "jvm.memory.heap.used",
                    apiPrefix + "jvm.gc.G1-Young-Generation.count",
                    apiPrefix + "io.dropwizard.db.ManagedPooledDataSource.postgresql.size",
                    apiPrefix + "redis.pool.idle",
                    apiPrefix + "io.dropwizard.jetty.MutableServletContextHandler.5xx-responses.m1_rate",
                    apiPrefix + "com.koomy.api.health.HealthResource.health.p99",
                    workerPrefix + "jvm.memory.heap.used",
                    workerPrefix + "io.dropwizard.db.ManagedPooledDataSource.postgresql.active",
                    workerPrefix + "io.dropwizard.db.ManagedPooledDataSource.jobrunr.size",
                    workerPrefix + "redis.pool.active",
                    workerPrefix + "outbox.pending",
                    workerPrefix + "jobs.enqueued",
                    workerPrefix + "jobs.failed");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                for (String metric : present) {
                    Optional<Point> last = lastPoint(metric);
                    assertThat(last).as("a stored value for %s", metric).isPresent();
                    assertThat(last.get().time()).as("time of the last value of %s", metric)
                            .isAfterOrEqualTo(started.minusSeconds(10));
                }
                // Values, not only names: a sized pool, a live heap, every request counted, one job server.
                assertThat(lastPoint(apiPrefix + "jvm.memory.heap.used").get().value()).isPositive();
                assertThat(lastPoint(apiPrefix + "io.dropwizard.db.ManagedPooledDataSource.postgresql.size").get().value())
                        .isGreaterThanOrEqualTo(1);
                assertThat(lastPoint(apiPrefix + "io.dropwizard.jetty.MutableServletContextHandler.requests.count")
                        .map(Point::value).orElse(0.0)).isGreaterThanOrEqualTo(requests);
                assertThat(lastPoint(workerPrefix + "jobs.servers").map(Point::value).orElse(0.0)).isEqualTo(1.0);
                assertThat(lastPoint(workerPrefix + "outbox.pending").get().value()).isZero();
            });
            // Nothing of one process lands under the other's prefix.
            assertThat(metricFile("koomy.api." + apiInstance + ".outbox.pending")).doesNotExist();
            assertThat(metricFile("koomy.worker." + workerInstance
                    + ".io.dropwizard.jetty.MutableServletContextHandler.requests.count")).doesNotExist();
        }

        // The operator's view of the same storage.
        String query = opsGraphite("query", "koomy.worker." + workerInstance + ".jvm.memory.heap.used");
        assertThat(query).startsWith("koomy.worker." + workerInstance + ".jvm.memory.heap.used\t");
        System.out.printf("carbon stored %d metrics from the two processes%n", countMetrics());
    }

    record Point(Instant time, double value) {
    }

    private static Path metricFile(String metric) {
        return graphiteDir.resolve("whisper").resolve(metric.replace('.', '/') + ".wsp");
    }

    private static long countMetrics() throws IOException {
        try (Stream<Path> files = Files.walk(graphiteDir.resolve("whisper"))) {
            return files.filter(p -> p.toString().endsWith(".wsp") && !p.toString().contains("/carbon/")).count();
        }
    }

    /**
     * The newest point of a whisper file's finest archive. Whisper's format: a header (aggregation
     * type, max retention, x-files factor, archive count), then per archive (offset, seconds per
     * point, points), all 32-bit big-endian; each archive is a ring of (uint32 timestamp, double
     * value) points, timestamp 0 for a slot never written.
     */
    static Optional<Point> lastPoint(String metric) throws IOException {
        Path file = metricFile(metric);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            in.seek(16);
            long offset = Integer.toUnsignedLong(in.readInt());
            in.readInt();
            long points = Integer.toUnsignedLong(in.readInt());
            in.seek(offset);
            long newest = 0;
            double value = Double.NaN;
            for (long i = 0; i < points; i++) {
                long time = Integer.toUnsignedLong(in.readInt());
                double v = in.readDouble();
                if (time > newest) {
                    newest = time;
                    value = v;
                }
            }
            return newest == 0 ? Optional.empty() : Optional.of(new Point(Instant.ofEpochSecond(newest), value));
        }
    }

    private static String opsGraphite(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(OPS_GRAPHITE.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false);
        builder.environment().put("KOOMY_GRAPHITE_DIR", graphiteDir.toString());
        builder.environment().put("KOOMY_GRAPHITE_PORT", String.valueOf(carbonPort));
        Path stderr = Files.createTempFile("ops-graphite-", ".err");
        builder.redirectError(stderr.toFile());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        boolean done = process.waitFor(120, TimeUnit.SECONDS);
        String errors = Files.readString(stderr);
        Files.delete(stderr);
        if (!done || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("ops/graphite " + String.join(" ", args) + " failed:\n" + output + errors);
        }
        return output;
    }

    private static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, program)));
    }
}
