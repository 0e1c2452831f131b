package com.koomy.testing;

import redis.clients.jedis.Jedis;

import java.nio.file.Path;

/** One redis-server process of {@link RedisServers} (a data node or a Sentinel), its port and its log. */
public record RedisServer(int port, Process process, Path log) {
    public String address() {
        return "127.0.0.1:" + port;
    }

    public Jedis connect() {
        return new Jedis("127.0.0.1", port, 2000);
    }

    /** SIGKILL: a crash, as a node lost with its machine. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    boolean isSentinel() {
        return log.getFileName().toString().startsWith("sentinel-");
    }

    /** This Sentinel knows the group's primary, at least {@code replicas} replicas and {@code otherSentinels} peers. */
    boolean sentinelSees(String masterName, int replicas, int otherSentinels) {
        try (Jedis jedis = connect()) {
            var master = jedis.sentinelMasters().stream().filter(m -> masterName.equals(m.get("name"))).findFirst().orElseThrow();
            return Integer.parseInt(master.get("num-slaves")) >= replicas
                    && Integer.parseInt(master.get("num-other-sentinels")) >= otherSentinels;
        }
    }

    String info(String section) {
        try (Jedis jedis = connect()) {
            return jedis.info(section);
        }
    }

    String clusterInfo() {
        try (Jedis jedis = connect()) {
            return jedis.clusterInfo();
        }
    }
}
