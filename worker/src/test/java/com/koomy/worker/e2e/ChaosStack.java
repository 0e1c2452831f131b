package com.koomy.worker.e2e;

import com.koomy.testing.FreePorts;
import com.koomy.db.KoomyDatabase;
import com.koomy.testing.TestRedis;
import io.dropwizard.db.DataSourceFactory;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stack of one chaos scenario ({@code @Tag("chaos")}, run by {@code ops/chaos}): a PostgreSQL of its own
 * ({@link PrivatePostgres}; the processes connect as the non-superuser {@code koomy}, so that they compete for
 * ordinary connection slots), Redis (a server of its own when the scenario stops it, else the tests' Redis under
 * a fresh prefix), the API and N workers from the packaged jars ({@link KoomyProcess}; the worker with the
 * counting test handlers). Every process gets the same environment; rate limits are lifted so that the load is
 * never refused for being load.
 */
final class ChaosStack implements AutoCloseable {

    static final String SECRET = "whsec_chaos_test";
    static final String DATABASE = "koomy_chaos";
    static final String ROLE = "koomy";
    /** A JVM start took 3 to 8 minutes on this 2-core machine shared by eight builds (issue 18's runs). */
    static final Duration STARTUP = Duration.ofSeconds(Long.getLong("koomy.chaos.startupSeconds", 600));
    private static final Pattern SERVER_ID =
            Pattern.compile("BackgroundJobServer \\([^)]* - ([0-9a-f-]{36})\\) using");

    final String scenario;
    final PrivatePostgres pg;
    final OwnRedis redis;
    final int apiPort;
    /** The scenario's database as the superuser (reserved connection slots: it answers when the stack cannot). */
    final Jdbi db;
    private final Map<String, String> env = new HashMap<>();
    private final List<KoomyProcess> workers = new ArrayList<>();
    private final List<Integer> workerAdminPorts = new ArrayList<>();
    /** Where each worker's current process began writing in its (appended) log. */
    private final List<Long> logOffsets = new ArrayList<>();
    private KoomyProcess api;

    private ChaosStack(String scenario, PrivatePostgres pg, OwnRedis redis) {
        this.scenario = scenario;
        this.pg = pg;
        this.redis = redis;
        this.apiPort = FreePorts.next();
        // With SQL objects: a scenario may write as the application does (EmailOutbox.enqueue).
        this.db = Jdbi.create(pg.url(DATABASE) + "?currentSchema=koomy", "postgres", "").installPlugin(new SqlObjectPlugin());
    }

    /**
     * A healthy stack: {@code workerCount} workers, then the API. {@code ownRedis}: a Redis server of the
     * scenario's own (to stop); {@code maxConnections}: PostgreSQL's max_connections (0: its default).
     */
    static ChaosStack start(String scenario, int workerCount, boolean ownRedis, int maxConnections, Map<String, String> extraEnv)
            throws Exception {
        PrivatePostgres pg = PrivatePostgres.start();
        Jdbi admin = Jdbi.create(pg.url("postgres"), "postgres", "");
        if (maxConnections > 0) {
            admin.useHandle(h -> h.execute("ALTER SYSTEM SET max_connections = " + maxConnections));
            pg.stopImmediately();
            pg.startServer();
        }
        admin.useHandle(h -> {
            h.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD 'koomy'");
            h.execute("CREATE DATABASE " + DATABASE + " OWNER " + ROLE);
        });
        DataSourceFactory database = new DataSourceFactory();
        database.setUrl(pg.url(DATABASE));
        database.setUser(ROLE);
        database.setPassword("koomy");
        KoomyDatabase.migrate(database);

        ChaosStack stack = new ChaosStack(scenario, pg, ownRedis ? OwnRedis.start(scenario) : null);
        Map<String, String> env = stack.env;
        env.put("DATABASE_URL", pg.url(DATABASE));
        env.put("DATABASE_USER", ROLE);
        env.put("DATABASE_PASSWORD", "koomy");
        if (stack.redis != null) {
            env.put("REDIS_HOST", "127.0.0.1");
            env.put("REDIS_PORT", Integer.toString(stack.redis.port));
        }
        env.put("KOOMY_REDIS_PREFIX", TestRedis.newPrefix());
        env.put("STRIPE_WEBHOOK_SECRET", SECRET);
        env.put("KOOMY_DASHBOARD_ENABLED", "false");
        env.put("KOOMY_MIGRATE_ON_START", "false");
        env.put("KOOMY_PUBLIC_URL", "http://127.0.0.1:" + stack.apiPort);
        env.put("KOOMY_RATE_PER_CLIENT", "1000000");
        env.put("KOOMY_RATE_LOGIN", "1000");
        env.put("KOOMY_RATE_REGISTER", "1000");
        env.put("KOOMY_RATE_HEALTH", "1000000");
        env.put("KOOMY_API_PORT", Integer.toString(stack.apiPort));
        env.put("KOOMY_API_ADMIN_PORT", Integer.toString(FreePorts.next()));
        env.put("KOOMY_JOBS_WORKERS", "8");
        env.put("KOOMY_WORKER_DB_MAX", "12");
        env.put("KOOMY_WORKER_JOBS_DB_MAX", "12");
        env.put("KOOMY_API_DB_MAX", "12");
        env.putAll(extraEnv);
        try {
            for (int i = 0; i < workerCount; i++) {
                stack.workerAdminPorts.add(FreePorts.next());
                stack.workers.add(null);
                stack.logOffsets.add(0L);
                stack.startWorker(i);
                stack.worker(i).awaitHealthy(STARTUP);
            }
            stack.api = KoomyProcess.api(scenario + "-api", env, stack.apiPort);
            stack.api.awaitHealthy(STARTUP);
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    KoomyProcess api() {
        return api;
    }

    KoomyProcess worker(int i) {
        return workers.get(i);
    }

    int workerCount() {
        return workers.size();
    }

    /** Worker {@code i}'s health check on its admin port. */
    String workerHealthUrl(int i) {
        return "http://127.0.0.1:" + workerAdminPorts.get(i) + "/healthcheck";
    }

    /** Starts worker {@code i} (again: after a kill or a stop; its log goes on in the same file). */
    KoomyProcess startWorker(int i) throws Exception {
        Map<String, String> workerEnv = new HashMap<>(env);
        workerEnv.put("KOOMY_WORKER_ADMIN_PORT", Integer.toString(workerAdminPorts.get(i)));
        Path log = KoomyProcess.MODULE.resolve("target/e2e/" + scenario + "-worker-" + (i + 1) + ".log");
        logOffsets.set(i, Files.exists(log) ? Files.size(log) : 0L);
        KoomyProcess worker = KoomyProcess.worker(scenario + "-worker-" + (i + 1), workerEnv, workerAdminPorts.get(i));
        workers.set(i, worker);
        return worker;
    }

    /**
     * The id of worker {@code i}'s current JobRunr job server, from its start line (only to know which jobs a
     * killed or frozen worker held; no verdict reads logs); null before its current process started one.
     */
    String serverId(int i) throws Exception {
        Matcher m = SERVER_ID.matcher(since(workers.get(i).log, logOffsets.get(i)));
        String id = null;
        while (m.find()) {
            id = m.group(1);
        }
        return id;
    }

    /** What a log received from byte {@code offset} on. */
    static String since(Path log, long offset) throws java.io.IOException {
        byte[] bytes = Files.readAllBytes(log);
        return new String(bytes, (int) offset, bytes.length - (int) offset, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A figure-and-check report named after the scenario. */
    ChaosReport report() {
        return new ChaosReport(scenario);
    }

    @Override
    public void close() throws Exception {
        try {
            if (api != null) {
                api.close();
            }
            for (KoomyProcess worker : workers) {
                if (worker != null) {
                    worker.close();
                }
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
            pg.close();
        }
    }

    /** A redis-server of the scenario's own on a fixed port, to stop (as a crash: nothing saved) and start again. */
    static final class OwnRedis implements AutoCloseable {
        final int port = FreePorts.next();
        private final Path log;
        private Process process;

        private OwnRedis(Path log) {
            this.log = log;
        }

        static OwnRedis start(String scenario) throws Exception {
            OwnRedis redis = new OwnRedis(KoomyProcess.MODULE.resolve("target/e2e/" + scenario + "-redis.log"));
            redis.startServer();
            return redis;
        }

        void startServer() throws Exception {
            Files.createDirectories(log.getParent());
            long from = Files.exists(log) ? Files.size(log) : 0;
            process = new ProcessBuilder("redis-server", "--bind", "127.0.0.1", "--port", Integer.toString(port),
                    "--save", "", "--appendonly", "no").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            for (int i = 0; i < 100 && !since(log, from).contains("Ready to accept connections"); i++) {
                Thread.sleep(100);
            }
        }

        /** SIGKILL: gone at once, with everything it held (sessions, caches, counters). */
        void stop() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }
}
