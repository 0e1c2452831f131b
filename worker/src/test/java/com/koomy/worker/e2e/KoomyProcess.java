package com.koomy.worker.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One API or worker JVM started from the packaged jars, its output in target/e2e/NAME.log. */
final class KoomyProcess implements AutoCloseable {

    static final Path MODULE = Path.of("").toAbsolutePath();
    /**
     * A copy of the API's jar, made once per test JVM: ops/koomy test builds the modules in parallel (mvn -T 2), so
     * api-server's package phase can rewrite target/koomy-api.jar while these tests' API processes run from it.
     */
    static final Path API_JAR = copyOf(MODULE.resolve("../api-server/target/koomy-api.jar").normalize());
    static final Path WORKER_JAR = MODULE.resolve("target/koomy-worker.jar");
    static final Path TEST_CLASSES = MODULE.resolve("target/test-classes");
    static final Path CONFIG = MODULE.resolve("../config").normalize();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final String healthUrl;
    final Path log;

    private KoomyProcess(String name, Process process, String healthUrl, Path log) {
        this.name = name;
        this.process = process;
        this.healthUrl = healthUrl;
        this.log = log;
    }

    static KoomyProcess api(String name, Map<String, String> env, int port) throws IOException {
        return api(name, env, port, List.of(), "127.0.0.1");
    }

    /** The API run through {@code host} (e.g. {@code ip netns exec ns}), its health asked at {@code address}. */
    static KoomyProcess api(String name, Map<String, String> env, int port, List<String> host, String address)
            throws IOException {
        requireJar(API_JAR);
        return start(name, host, List.of("-jar", API_JAR.toString(), "server", CONFIG.resolve("api.yml").toString()),
                env, "http://" + address + ":" + port + "/api/health");
    }

    /** The worker with the counting test handlers (CountingWorkerApplication) on its classpath. */
    static KoomyProcess worker(String name, Map<String, String> env, int adminPort) throws IOException {
        return worker(name, env, adminPort, List.of(), "127.0.0.1");
    }

    static KoomyProcess worker(String name, Map<String, String> env, int adminPort, List<String> host, String address)
            throws IOException {
        requireJar(WORKER_JAR);
        return start(name, host, List.of("-cp", WORKER_JAR + File.pathSeparator + TEST_CLASSES,
                        "com.koomy.worker.CountingWorkerApplication", "server", CONFIG.resolve("worker.yml").toString()),
                env, "http://" + address + ":" + adminPort + "/healthcheck");
    }

    private static KoomyProcess start(String name, List<String> host, List<String> args, Map<String, String> env,
                                      String healthUrl) throws IOException {
        if (!env.containsKey("KOOMY_REDIS_PREFIX")) {
            // Else the process would use the default prefix, sharing sessions, caches and limits with a
            // developer's stack (ops/koomy up) on the same Redis.
            throw new IllegalArgumentException(name + ": give the processes of one test a KOOMY_REDIS_PREFIX of their own "
                    + "(TestRedis.newPrefix())");
        }
        List<String> command = new ArrayList<>(host);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-XX:+UseG1GC"));
        command.addAll(args);
        Path log = MODULE.resolve("target/e2e/" + name + ".log");
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        return new KoomyProcess(name, builder.start(), healthUrl, log);
    }

    /** An installed program (PATH, then /usr/sbin and /usr/local/sbin, where Debian puts daemons), or null. */
    static String systemBinary(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/local/sbin";
        return java.util.stream.Stream.of(path.split(":")).filter(d -> !d.isBlank()).map(d -> Path.of(d, name))
                .filter(Files::isExecutable).map(Path::toString).findFirst().orElse(null);
    }

    private static Path copyOf(Path jar) {
        if (!Files.isRegularFile(jar)) {
            return jar;
        }
        try {
            Path dir = Files.createDirectories(MODULE.resolve("target/e2e-jars"));
            Path part = Files.createTempFile(dir, "api-", ".part");
            Files.copy(jar, part, StandardCopyOption.REPLACE_EXISTING);
            Path copy = dir.resolve("koomy-api-" + ProcessHandle.current().pid() + ".jar");
            return Files.move(part, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("copying " + jar, e);
        }
    }

    private static void requireJar(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the whole build (mvn verify from the top) so "
                    + "that the jars are packaged before the end-to-end tests");
        }
    }

    void awaitHealthy(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            if (healthStatus() == 200) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " not healthy within " + timeout + "; see " + log);
    }

    int healthStatus() throws InterruptedException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(healthUrl)).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook, no graceful stop, connections dropped mid-transaction. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
