package com.koomy.testing;

import com.koomy.config.RedisFactory;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Real Redis servers of a test's own, started from Debian's {@code redis-server} (Sentinel is the same binary
 * run with {@code --sentinel}): a primary with a replica and three Sentinels, or a three-primary Cluster.
 * Each lives in a temporary directory, listens on 127.0.0.1 on free ports, and is killed on {@link #close()}.
 */
public final class RedisServers implements AutoCloseable {

    public static final String MASTER_NAME = "koomy-test";

    private final Path dir;
    private final List<RedisServer> servers = new ArrayList<>();

    private RedisServers() {
        try {
            dir = Files.createTempDirectory("koomy-redis-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/redis-server")) && Files.isExecutable(Path.of("/usr/bin/redis-cli"));
    }

    /**
     * A primary, {@code replicas} replicas and three Sentinels (quorum 2) that declare the primary down after 1 s;
     * unchecked, so that a test class can start it in a static field's initializer.
     */
    public static RedisServers sentinelGroup(int replicas) {
        RedisServers group = new RedisServers();
        try {
            RedisServer primary = group.start("primary", List.of());
            for (int i = 0; i < replicas; i++) {
                RedisServer replica = group.start("replica-" + i, List.of("--replicaof", "127.0.0.1", Integer.toString(primary.port())));
                group.await(Duration.ofSeconds(20), () -> replica.info("replication").contains("master_link_status:up"),
                        "the replica to sync with the primary");
            }
            for (int i = 0; i < 3; i++) {
                int port = FreePorts.next();
                Path conf = group.dir.resolve("sentinel-" + i + ".conf");
                Files.writeString(conf, String.join("\n",
                        "port " + port,
                        "bind 127.0.0.1",
                        "dir " + group.dir,
                        "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + primary.port() + " 2",
                        "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
                        "sentinel failover-timeout " + MASTER_NAME + " 10000",
                        "sentinel parallel-syncs " + MASTER_NAME + " 1", ""));
                group.launch("sentinel-" + i, port, List.of(conf.toString(), "--sentinel"));
            }
            group.await(Duration.ofSeconds(20), () -> group.sentinels().stream().allMatch(s -> s.sentinelSees(MASTER_NAME, replicas, 2)),
                    "every Sentinel to know the replicas and the other Sentinels");
            return group;
        } catch (Exception e) {
            group.close();
            throw new IllegalStateException("could not start Redis with Sentinel", e);
        }
    }

    /** Three primaries, no replicas, the 16384 slots spread by {@code redis-cli --cluster create}. */
    public static RedisServers cluster() throws Exception {
        RedisServers cluster = new RedisServers();
        try {
            for (int i = 0; i < 3; i++) {
                cluster.start("node-" + i, List.of("--cluster-enabled", "yes",
                        "--cluster-config-file", cluster.dir.resolve("nodes-" + i + ".conf").toString(),
                        "--cluster-node-timeout", "2000"));
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            cluster.servers.forEach(s -> create.add(s.address()));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            Process p = new ProcessBuilder(create).redirectErrorStream(true)
                    .redirectOutput(cluster.dir.resolve("cluster-create.log").toFile()).start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("redis-cli --cluster create failed: "
                        + Files.readString(cluster.dir.resolve("cluster-create.log")));
            }
            cluster.await(Duration.ofSeconds(20), () -> cluster.servers.stream()
                    .allMatch(s -> s.clusterInfo().contains("cluster_state:ok")), "the cluster to be ok");
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * One server that speaks only TLS (its certificate for 127.0.0.1 signed by itself, in {@link #trustStore()}),
     * with the default user off and one ACL user, {@code user}/{@code password}, allowed only keys under
     * {@code keyPattern} (e.g. {@code koomy-acl:*}).
     */
    public static RedisServers tlsWithAclUser(String user, String password, String keyPattern) throws Exception {
        RedisServers tls = new RedisServers();
        try {
            Path key = tls.dir.resolve("redis.key");
            Path cert = tls.dir.resolve("redis.crt");
            run(tls.dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
                    "-out", cert.toString(), "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1");
            run(tls.dir, "keytool", "-importcert", "-noprompt", "-alias", "redis", "-file", cert.toString(),
                    "-keystore", tls.trustStore().toString(), "-storetype", "PKCS12", "-storepass", TRUST_STORE_PASSWORD);
            int port = FreePorts.next();
            tls.launch("tls", port, List.of("--port", "0", "--tls-port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--tls-cert-file", cert.toString(), "--tls-key-file", key.toString(), "--tls-ca-cert-file", cert.toString(),
                    "--tls-auth-clients", "no", "--save", "", "--appendonly", "no", "--dir", tls.dir.toString(),
                    "--user", "default", "off", "--user", user, "on", ">" + password, "~" + keyPattern, "&*", "+@all"));
            return tls;
        } catch (Exception | Error e) {
            tls.close();
            throw e;
        }
    }

    public static final String TRUST_STORE_PASSWORD = "changeit";

    /** The PKCS#12 trust store with a TLS server's certificate ({@link #tlsWithAclUser}). */
    public Path trustStore() {
        return dir.resolve("truststore.p12");
    }

    private static void run(Path dir, String... command) throws Exception {
        Path log = dir.resolve(command[0] + ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + Files.readString(log));
        }
    }

    /** The data nodes (not the Sentinels), in start order: for a Sentinel group, the first primary then its replica. */
    public List<RedisServer> nodes() {
        return servers.stream().filter(s -> !s.isSentinel()).toList();
    }

    public List<RedisServer> sentinels() {
        return servers.stream().filter(RedisServer::isSentinel).toList();
    }

    /** The {@code redis.nodes} setting: the Sentinels of a group, or the nodes of a cluster. */
    public String nodesSetting() {
        List<RedisServer> listed = sentinels().isEmpty() ? nodes() : sentinels();
        return listed.stream().map(RedisServer::address).collect(Collectors.joining(","));
    }

    /** The factory a process would build from its YAML for these servers, with {@code prefix} for its keys. */
    public RedisFactory factory(String prefix) {
        RedisFactory factory = new RedisFactory();
        factory.setMode(sentinels().isEmpty() ? RedisFactory.Mode.cluster : RedisFactory.Mode.sentinel);
        factory.setNodes(nodesSetting());
        factory.setMasterName(MASTER_NAME);
        factory.setKeyPrefix(prefix);
        return factory;
    }

    /** The port of the primary as the Sentinels currently name it. */
    public int currentPrimaryPort() {
        try (Jedis sentinel = sentinels().get(0).connect()) {
            return Integer.parseInt(sentinel.sentinelGetMasterAddrByName(MASTER_NAME).get(1));
        }
    }

    public RedisServer node(int port) {
        return servers.stream().filter(s -> s.port() == port).findFirst().orElseThrow();
    }

    /** A condition that may throw (reading a file, asking a server); throwing counts as not yet. */
    public interface Check {
        boolean holds() throws Exception;
    }

    public void await(Duration atMost, Check condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(atMost);
        while (!safely(condition)) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("timed out waiting for " + what + "; logs in " + dir);
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() {
        servers.forEach(s -> s.process().destroyForcibly());
        for (RedisServer s : servers) {
            try {
                s.process().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind
        }
    }

    private RedisServer start(String name, List<String> extra) throws Exception {
        int port = FreePorts.next();
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString()));
        args.addAll(extra);
        return launch(name, port, args);
    }

    private RedisServer launch(String name, int port, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/redis-server"));
        command.addAll(args);
        Path log = dir.resolve(name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        RedisServer server = new RedisServer(port, process, log);
        servers.add(server);
        // What a server (TLS or not) and a Sentinel print once they listen.
        await(Duration.ofSeconds(10), () -> {
            String printed = Files.readString(log);
            return printed.contains("Ready to accept connections") || printed.contains("Sentinel ID is");
        }, name + " on port " + port);
        return server;
    }

    private static boolean safely(Check condition) {
        try {
            return condition.holds();
        } catch (Exception e) {
            return false;
        }
    }
}
