package com.koomy.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real S3-protocol server for tests: s3proxy (Maven Central, org.gaul:s3proxy, jar-with-dependencies)
 * with jclouds' filesystem backend in a temporary directory, started as its own process because it
 * embeds Jetty 11, which cannot share a JVM with Dropwizard's Jetty 12. The build copies the jar to
 * {@code target/s3proxy/s3proxy.jar} (maven-dependency-plugin; see the parent pom). Register it as a
 * static field: {@code @RegisterExtension static S3ProxyServer s3 = new S3ProxyServer();}.
 */
public class S3ProxyServer implements BeforeAllCallback, AfterAllCallback {

    public static final String ACCESS_KEY = "koomy-test-access";
    public static final String SECRET_KEY = "koomy-test-secret-not-a-real-one";

    private Process process;
    private Path directory;
    private int port;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Path jar = Path.of(System.getProperty("koomy.s3proxy.jar", "target/s3proxy/s3proxy.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("s3proxy jar not found at " + jar.toAbsolutePath()
                    + ": run the tests through Maven (generate-test-resources copies it)");
        }
        directory = Files.createTempDirectory("koomy-s3proxy-");
        Files.createDirectories(directory.resolve("data"));
        port = FreePorts.next();
        Path properties = directory.resolve("s3proxy.properties");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + directory.resolve("data"),
                ""));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(List.of(java, "-Xmx128m", "-jar", jar.toAbsolutePath().toString(),
                "--properties", properties.toString()))
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("s3proxy.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!answers()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("s3proxy exited: " + Files.readString(directory.resolve("s3proxy.log")));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy did not start within 60 s: " + Files.readString(directory.resolve("s3proxy.log")));
            }
            Thread.sleep(200);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (directory != null) {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** Where the filesystem backend keeps buckets: {@code <dir>/<bucket>/<key>}. */
    public Path dataDirectory() {
        return directory.resolve("data");
    }

    private boolean answers() {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(endpoint() + "/").toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            int status = c.getResponseCode();
            c.disconnect();
            return status > 0;
        } catch (IOException e) {
            return false;
        }
    }
}
