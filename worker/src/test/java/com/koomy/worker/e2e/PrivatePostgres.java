package com.koomy.worker.e2e;

import com.koomy.testing.FreePorts;
import com.koomy.testing.TestDatabase;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of the test's own, on a free port in a temporary directory, so that stopping
 * and restarting it disturbs nothing else on the machine. Uses the installed server binaries
 * ({@code /usr/lib/postgresql/N/bin}); as root, runs them as the {@code postgres} user.
 */
final class PrivatePostgres implements AutoCloseable {

    private final Path bin;
    private final Path dir;
    final int port;
    /** A command prefix that puts the server on another host ({@link Netns#exec}); empty: this one. */
    private final List<String> host;
    private final String listen;

    private PrivatePostgres(Path bin, Path dir, int port) {
        this(bin, dir, port, List.of(), "127.0.0.1");
    }

    private PrivatePostgres(Path bin, Path dir, int port, List<String> host, String listen) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.host = host;
        this.listen = listen;
    }

    static PrivatePostgres start() throws Exception {
        return start(List.of(), "127.0.0.1");
    }

    /**
     * A server started through {@code host} (e.g. {@code ip netns exec ns}), listening on {@code listen} and
     * trusting connections from anywhere (test hosts of one machine).
     */
    static PrivatePostgres start(List<String> host, String listen) throws Exception {
        Path bin;
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            bin = versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(p -> Integer.parseInt(p.getParent().getFileName().toString())))
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL server binaries under /usr/lib/postgresql"));
        }
        Path dir = Files.createTempDirectory("koomy-pg-");
        PrivatePostgres pg = new PrivatePostgres(bin, dir, FreePorts.next(), host, listen);
        if (isRoot()) {
            run(List.of("chown", "-R", "postgres:postgres", dir.toString()), false);
        }
        pg.pg(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "postgres",
                "--auth=trust", "--no-sync", "-E", "UTF8"));
        if (!"127.0.0.1".equals(listen)) {
            Files.writeString(dir.resolve("data/pg_hba.conf"), "host all all 0.0.0.0/0 trust\n",
                    java.nio.file.StandardOpenOption.APPEND);
        }
        pg.startServer();
        return pg;
    }

    /**
     * A streaming replica of this server, as {@code ops/koomy replica start} makes one: a base backup
     * ({@code pg_basebackup -R}: it also writes the standby's connection settings) in a directory of its
     * own, started on a free port. initdb's pg_hba.conf already lets local replication connections in.
     */
    PrivatePostgres replica() throws Exception {
        Path replicaDir = Files.createTempDirectory("koomy-pg-replica-");
        PrivatePostgres standby = new PrivatePostgres(bin, replicaDir, FreePorts.next());
        if (isRoot()) {
            run(List.of("chown", "-R", "postgres:postgres", replicaDir.toString()), false);
        }
        pg(List.of(bin.resolve("pg_basebackup").toString(), "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", "postgres",
                "-D", replicaDir.resolve("data").toString(), "-X", "stream", "-R", "--checkpoint=fast", "--no-sync"));
        standby.startServer();
        return standby;
    }

    String url(String database) {
        return "jdbc:postgresql://" + listen + ":" + port + "/" + database;
    }

    /**
     * Database {@code name} on this server, as user postgres: {@code create()} it (migrated if {@code migrate});
     * its {@code jdbi()} resolves names in schema koomy as the applications do.
     */
    TestDatabase database(String name, boolean migrate) {
        return TestDatabase.on(url("postgres"), "postgres", "", name, migrate);
    }

    void startServer() throws Exception {
        pg(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
                dir.resolve("server.log").toString(), "-w", "-t", "60", "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=" + listen + " -c fsync=off", "start"));
    }

    /** A standby made primary ({@code pg_ctl promote}): it takes writes from now on. */
    void promote() throws Exception {
        pg(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "promote"));
    }

    /** Stops at once, as a crash would: in-flight transactions are lost and clients see errors. */
    void stopImmediately() throws Exception {
        pg(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop"));
    }

    @Override
    public void close() throws Exception {
        try {
            pg(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "stop"));
        } catch (IllegalStateException alreadyStopped) {
            // stopped by the test
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private void pg(List<String> command) throws Exception {
        List<String> full = new ArrayList<>(host);
        if (isRoot()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        run(full, true);
    }

    private static void run(List<String> command, boolean quiet) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
