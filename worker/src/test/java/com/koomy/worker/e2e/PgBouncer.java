package com.koomy.worker.e2e;

import com.koomy.testing.FreePorts;
import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Debian's PgBouncer ({@code apt-get install pgbouncer}, as {@code ops/koomy services} installs it) run as a
 * child process in front of the test PostgreSQL, in transaction mode as managed databases' poolers run: its
 * own ini and auth file in a temporary directory, a free port, every database ({@code *}) forwarded to the
 * test server. Its log (stderr) in target/e2e/pgbouncer.log. As root it drops to the {@code postgres} user (PgBouncer
 * refuses to run as root).
 *
 * <p>{@link InFront}, registered on an end-to-end test class, starts one for the class; the class's
 * environment builders pass their processes' environment through {@link #route}: DATABASE_URL then goes
 * through PgBouncer (DATABASE_TRANSACTION_POOLING=true) and DATABASE_MIGRATE_URL straight to PostgreSQL.
 */
final class PgBouncer implements AutoCloseable {

    private static final Pattern HOST_PORT = Pattern.compile("^jdbc:postgresql://([^:/?]+):?(\\d*)/");
    private static volatile PgBouncer current;

    private final Process process;
    private final Path dir;
    private final String target;
    final int port;

    private PgBouncer(Process process, Path dir, String target, int port) {
        this.process = process;
        this.dir = dir;
        this.target = target;
        this.port = port;
    }

    /** The pgbouncer binary, or null when it is not installed. */
    static String binary() {
        return KoomyProcess.systemBinary("pgbouncer");
    }

    /** A PgBouncer in transaction mode forwarding every database to {@code host:pgPort}, for {@code user}. */
    static PgBouncer start(String host, int pgPort, String user, String password) throws Exception {
        String binary = binary();
        if (binary == null) {
            throw new IllegalStateException("pgbouncer is not installed: run ops/koomy services (apt-get install pgbouncer)");
        }
        Path dir = Files.createTempDirectory("koomy-pgbouncer-");
        int port = FreePorts.next();
        Files.writeString(dir.resolve("userlist.txt"), "\"" + user + "\" \"" + password + "\"\n");
        Path log = KoomyProcess.MODULE.resolve("target/e2e/pgbouncer.log");
        Files.createDirectories(log.getParent());
        Files.writeString(dir.resolve("pgbouncer.ini"), String.join("\n",
                "[databases]",
                "* = host=" + host + " port=" + pgPort,
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                "listen_port = " + port,
                "unix_socket_dir =",
                "auth_type = md5",
                "auth_file = " + dir.resolve("userlist.txt"),
                "pool_mode = transaction",
                // Fewer server connections than the processes' pools hold together: what a pooler is for.
                "default_pool_size = 30",
                "max_client_conn = 1000",
                // pgjdbc sends extra_float_digits at connection start; every PgBouncer guide ignores it.
                "ignore_startup_parameters = extra_float_digits",
                "server_reset_query =",
                ""));
        List<String> command = new ArrayList<>(List.of(binary));
        if ("root".equals(System.getProperty("user.name"))) {
            new ProcessBuilder("chown", "-R", "postgres:postgres", dir.toString()).start().waitFor(10, TimeUnit.SECONDS);
            command.addAll(List.of("-u", "postgres"));
        }
        command.add(dir.resolve("pgbouncer.ini").toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        PgBouncer bouncer = new PgBouncer(process, dir, host + ":" + pgPort, port);
        bouncer.awaitListening(Duration.ofSeconds(20));
        return bouncer;
    }

    private void awaitListening(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("pgbouncer exited with " + process.exitValue() + "; see target/e2e/pgbouncer.log");
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("pgbouncer did not listen on " + port + " within " + timeout);
    }

    /** {@code directUrl} (a database on this PgBouncer's PostgreSQL) through PgBouncer. */
    String through(String directUrl) {
        Matcher m = HOST_PORT.matcher(directUrl);
        if (!m.find() || !target.equals(m.group(1) + ":" + (m.group(2).isEmpty() ? "5432" : m.group(2)))) {
            throw new IllegalArgumentException(directUrl + " is not on " + target);
        }
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + directUrl.substring(m.end());
    }

    /**
     * The processes' environment: unchanged without a PgBouncer in front of this class's database; with one,
     * the pools through it in transaction mode and migrations (Flyway, JobRunr's tables) straight to PostgreSQL.
     */
    static Map<String, String> route(Map<String, String> env) {
        PgBouncer bouncer = current;
        String url = env.get("DATABASE_URL");
        if (bouncer == null || url == null) {
            return env;
        }
        Map<String, String> routed = new HashMap<>(env);
        routed.put("DATABASE_MIGRATE_URL", url);
        routed.put("DATABASE_URL", bouncer.through(url));
        routed.put("DATABASE_TRANSACTION_POOLING", "true");
        return routed;
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * Register on an end-to-end test class ({@code @RegisterExtension static PgBouncer.InFront bouncer = new
     * PgBouncer.InFront();}): a PgBouncer in front of the test PostgreSQL (KOOMY_TEST_PG_URL) for the class,
     * which {@link #route} then uses.
     */
    static final class InFront implements BeforeAllCallback, AfterAllCallback {

        private PgBouncer bouncer;

        @Override
        public void beforeAll(ExtensionContext context) throws Exception {
            Matcher m = HOST_PORT.matcher(TestDatabase.adminUrl());
            if (!m.find()) {
                throw new IllegalStateException("KOOMY_TEST_PG_URL is not a jdbc:postgresql://host[:port]/ URL");
            }
            bouncer = start(m.group(1), m.group(2).isEmpty() ? 5432 : Integer.parseInt(m.group(2)),
                    TestDatabase.user(), TestDatabase.password());
            current = bouncer;
        }

        @Override
        public void afterAll(ExtensionContext context) throws Exception {
            current = null;
            if (bouncer != null) {
                bouncer.close();
            }
        }

        PgBouncer bouncer() {
            return bouncer;
        }
    }
}
