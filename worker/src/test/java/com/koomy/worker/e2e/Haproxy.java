package com.koomy.worker.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's HAProxy run as a child process with the configuration {@code ops/koomy lb-config} prints,
 * the one {@code ops/koomy scale} runs; its output in target/e2e/haproxy.log.
 */
final class Haproxy implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int statsPort;
    private final int servers;
    private final Path log;

    private Haproxy(Process process, int statsPort, int servers, Path log) {
        this.process = process;
        this.statsPort = statsPort;
        this.servers = servers;
        this.log = log;
    }

    /** The haproxy binary, or null when it is not installed. */
    static String binary() {
        return KoomyProcess.systemBinary("haproxy");
    }

    /** {@code apis}: each API as {@code port:adminPort} (HAProxy checks readiness, GET /ready, on the admin port). */
    static Haproxy start(String binary, int port, int statsPort, List<String> apis) throws Exception {
        Path dir = KoomyProcess.MODULE.resolve("target/e2e");
        Files.createDirectories(dir);
        Path config = dir.resolve("haproxy.cfg");
        List<String> command = new ArrayList<>(List.of("bash", KoomyProcess.MODULE.resolve("../ops/koomy").normalize().toString(),
                "lb-config", String.valueOf(port), String.valueOf(statsPort)));
        command.addAll(apis);
        ProcessBuilder generate = new ProcessBuilder(command).redirectOutput(config.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        generate.environment().put("KOOMY_API_BIND", "127.0.0.1");
        Process generator = generate.start();
        if (!generator.waitFor(30, TimeUnit.SECONDS) || generator.exitValue() != 0) {
            throw new IllegalStateException("ops/koomy lb-config failed");
        }
        Path log = dir.resolve("haproxy.log");
        Process process = new ProcessBuilder(binary, "-db", "-f", config.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new Haproxy(process, statsPort, apis.size(), log);
    }

    /** Until the stats page shows every API UP (its health check passed twice). */
    void awaitServersUp(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("haproxy exited with " + process.exitValue() + "; see " + log);
            }
            if (serversUp() == servers) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("haproxy did not see " + servers + " healthy APIs within " + timeout + "; see " + log);
    }

    private long serversUp() throws InterruptedException {
        try {
            String csv = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statsPort + "/;csv"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
            // Columns: pxname, svname, ... status is the 18th.
            return csv.lines().map(l -> l.split(",")).filter(f -> f.length > 17 && f[1].startsWith("api-"))
                    .filter(f -> f[17].equals("UP")).count();
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
