package com.koomy.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.SslVerifyMode;
import redis.clients.jedis.UnifiedJedis;

import java.io.File;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A pooled Redis client with explicit timeouts, closed with the process, and the prefix of every key
 * ({@link #keys()}): the API and the workers of one stack must have the same. Three topologies
 * ({@link #getMode()}): one server ({@code standalone}), a primary watched by Sentinels that fail over to a
 * replica ({@code sentinel}, the usual managed "Redis with high availability"), and Redis Cluster
 * ({@code cluster}). Each may use TLS and an ACL user. docs/operations.md, "Redis".
 */
public class RedisFactory {

    public enum Mode { standalone, sentinel, cluster }

    @NotNull private Mode mode = Mode.standalone;
    @NotEmpty private String host = "127.0.0.1";
    @Min(1) @Max(65535) private int port = 6379;
    /** Sentinel: the Sentinels; cluster: some of the nodes (the rest are discovered). {@code host:port,host:port}. */
    @NotNull @Pattern(regexp = "|[^\\s,:]+:\\d+(,[^\\s,:]+:\\d+)*", message = "must be host:port[,host:port…]")
    private String nodes = "";
    /** Sentinel: the name of the monitored primary ({@code sentinel monitor <name> …}). */
    @NotNull private String masterName = "";
    /** ACL user (Redis 6+); empty for the default user. */
    @NotNull private String user = "";
    private String password;
    /** Sentinel: the Sentinels' own credentials, when they require some. */
    @NotNull private String sentinelUser = "";
    private String sentinelPassword;
    /** TLS to Redis (and to the Sentinels). */
    private boolean tls = false;
    /** A JKS or PKCS#12 trust store with the CA of the servers' certificates; empty: the JVM's default. */
    @NotNull private String trustStore = "";
    private String trustStorePassword;
    @Min(0) private int database = 0;
    @NotNull private Duration connectTimeout = Duration.seconds(2);
    @NotNull private Duration socketTimeout = Duration.seconds(2);
    @Min(1) private int maxTotal = 32;
    @Min(0) private int minIdle = 2;
    @NotNull private Duration maxWait = Duration.seconds(1);
    /**
     * After a session is written, wait until this many replicas have it (Redis WAIT, at most
     * {@link #getReplicaAckTimeout()}): with Sentinel, a failover right after a sign-in then keeps the
     * session. 0 (default) does not wait.
     */
    @Min(0) @Max(10) private int sessionReplicas = 0;
    @NotNull private Duration replicaAckTimeout = Duration.milliseconds(200);
    /** Prefix of every key of this stack; no braces (they would become every key's cluster hash tag). */
    @NotNull @Pattern(regexp = "[^{}\\s]+", message = "must be non-empty, without spaces, { or }")
    private String keyPrefix = "koomy:";

    /** The names of this stack's keys, under {@link #getKeyPrefix()}. */
    public RedisKeys keys() {
        return new RedisKeys(keyPrefix);
    }

    @JsonIgnore
    @AssertTrue(message = "redis: sentinel needs nodes (the Sentinels) and masterName; cluster needs nodes and database 0")
    public boolean isTopologyComplete() {
        return switch (mode) {
            case standalone -> true;
            case sentinel -> !nodes.isEmpty() && !masterName.isEmpty();
            case cluster -> !nodes.isEmpty() && database == 0;
        };
    }

    public UnifiedJedis build(Environment environment, String clientName) {
        UnifiedJedis client = build(clientName);
        // The pools as Graphite sees them (summed over the primaries in a cluster): connections in use,
        // idle, and callers waiting for one.
        RedisPools pools = new RedisPools(client);
        environment.metrics().gauge("redis.pool.active", () -> pools::active);
        environment.metrics().gauge("redis.pool.idle", () -> pools::idle);
        environment.metrics().gauge("redis.pool.waiting", () -> pools::waiting);
        environment.lifecycle().manage(new Managed() {
            @Override public void stop() { client.close(); }
        });
        return client;
    }

    public UnifiedJedis build(String clientName) {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(maxTotal);
        pool.setMaxIdle(maxTotal);
        pool.setMinIdle(minIdle);
        pool.setMaxWait(maxWait.toJavaDuration());
        pool.setTestWhileIdle(true);
        JedisClientConfig clientConfig = clientConfig(clientName, user, password, database);
        return switch (mode) {
            case standalone -> RedisClient.builder()
                    .hostAndPort(host, port)
                    .clientConfig(clientConfig)
                    .poolConfig(pool)
                    .build();
            case sentinel -> RedisSentinelClient.builder()
                    .masterName(masterName)
                    .sentinels(hostsAndPorts())
                    .clientConfig(clientConfig)
                    .sentinelClientConfig(clientConfig(clientName + "-sentinel", sentinelUser, sentinelPassword, 0))
                    .poolConfig(pool)
                    .build();
            case cluster -> RedisClusterClient.builder()
                    .nodes(hostsAndPorts())
                    .clientConfig(clientConfig)
                    .poolConfig(pool)
                    .build();
        };
    }

    private JedisClientConfig clientConfig(String clientName, String aclUser, String secret, int db) {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) connectTimeout.toMilliseconds())
                .socketTimeoutMillis((int) socketTimeout.toMilliseconds())
                .database(db)
                .clientName(clientName);
        if (aclUser != null && !aclUser.isEmpty()) {
            config.user(aclUser);
        }
        if (secret != null && !secret.isEmpty()) {
            config.password(secret);
        }
        if (tls) {
            SslOptions.Builder ssl = SslOptions.builder().sslVerifyMode(SslVerifyMode.FULL);
            if (!trustStore.isEmpty()) {
                char[] storePassword = trustStorePassword == null ? null : trustStorePassword.toCharArray();
                ssl.truststore(new File(trustStore), storePassword);
            }
            config.sslOptions(ssl.build());
        }
        return config.build();
    }

    private Set<HostAndPort> hostsAndPorts() {
        Set<HostAndPort> found = new LinkedHashSet<>();
        Arrays.stream(nodes.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .forEach(s -> found.add(HostAndPort.from(s)));
        return found;
    }

    @JsonProperty public Mode getMode() { return mode; }
    @JsonProperty public void setMode(Mode mode) { this.mode = mode; }
    @JsonProperty public String getHost() { return host; }
    @JsonProperty public void setHost(String host) { this.host = host; }
    @JsonProperty public int getPort() { return port; }
    @JsonProperty public void setPort(int port) { this.port = port; }
    @JsonProperty public String getNodes() { return nodes; }
    @JsonProperty public void setNodes(String nodes) { this.nodes = nodes; }
    @JsonProperty public String getMasterName() { return masterName; }
    @JsonProperty public void setMasterName(String masterName) { this.masterName = masterName; }
    @JsonProperty public String getUser() { return user; }
    @JsonProperty public void setUser(String user) { this.user = user; }
    @JsonProperty public String getPassword() { return password; }
    @JsonProperty public void setPassword(String password) { this.password = password; }
    @JsonProperty public String getSentinelUser() { return sentinelUser; }
    @JsonProperty public void setSentinelUser(String sentinelUser) { this.sentinelUser = sentinelUser; }
    @JsonProperty public String getSentinelPassword() { return sentinelPassword; }
    @JsonProperty public void setSentinelPassword(String sentinelPassword) { this.sentinelPassword = sentinelPassword; }
    @JsonProperty public boolean isTls() { return tls; }
    @JsonProperty public void setTls(boolean tls) { this.tls = tls; }
    @JsonProperty public String getTrustStore() { return trustStore; }
    @JsonProperty public void setTrustStore(String trustStore) { this.trustStore = trustStore; }
    @JsonProperty public String getTrustStorePassword() { return trustStorePassword; }
    @JsonProperty public void setTrustStorePassword(String trustStorePassword) { this.trustStorePassword = trustStorePassword; }
    @JsonProperty public int getDatabase() { return database; }
    @JsonProperty public void setDatabase(int database) { this.database = database; }
    @JsonProperty public Duration getConnectTimeout() { return connectTimeout; }
    @JsonProperty public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
    @JsonProperty public Duration getSocketTimeout() { return socketTimeout; }
    @JsonProperty public void setSocketTimeout(Duration socketTimeout) { this.socketTimeout = socketTimeout; }
    @JsonProperty public int getMaxTotal() { return maxTotal; }
    @JsonProperty public void setMaxTotal(int maxTotal) { this.maxTotal = maxTotal; }
    @JsonProperty public int getMinIdle() { return minIdle; }
    @JsonProperty public void setMinIdle(int minIdle) { this.minIdle = minIdle; }
    @JsonProperty public Duration getMaxWait() { return maxWait; }
    @JsonProperty public void setMaxWait(Duration maxWait) { this.maxWait = maxWait; }
    @JsonProperty public int getSessionReplicas() { return sessionReplicas; }
    @JsonProperty public void setSessionReplicas(int sessionReplicas) { this.sessionReplicas = sessionReplicas; }
    @JsonProperty public Duration getReplicaAckTimeout() { return replicaAckTimeout; }
    @JsonProperty public void setReplicaAckTimeout(Duration replicaAckTimeout) { this.replicaAckTimeout = replicaAckTimeout; }
    @JsonProperty public String getKeyPrefix() { return keyPrefix; }
    @JsonProperty public void setKeyPrefix(String keyPrefix) { this.keyPrefix = keyPrefix; }
}
