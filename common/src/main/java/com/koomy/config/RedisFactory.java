package com.koomy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/**
 * A pooled Redis client with explicit timeouts, closed with the process, and the prefix of every key
 * ({@link #keys()}): the API and the workers of one stack must have the same.
 */
public class RedisFactory {

    @NotEmpty private String host = "127.0.0.1";
    @Min(1) @Max(65535) private int port = 6379;
    private String password;
    @Min(0) private int database = 0;
    @NotNull private Duration connectTimeout = Duration.seconds(2);
    @NotNull private Duration socketTimeout = Duration.seconds(2);
    @Min(1) private int maxTotal = 32;
    @Min(0) private int minIdle = 2;
    @NotNull private Duration maxWait = Duration.seconds(1);
    /** Prefix of every key of this stack; no braces (they would become every key's cluster hash tag). */
    @NotNull @Pattern(regexp = "[^{}\\s]+", message = "must be non-empty, without spaces, { or }")
    private String keyPrefix = "koomy:";

    /** The names of this stack's keys, under {@link #getKeyPrefix()}. */
    public RedisKeys keys() {
        return new RedisKeys(keyPrefix);
    }

    public RedisClient build(Environment environment, String clientName) {
        RedisClient client = build(clientName);
        // The pool as Graphite sees it: connections in use, idle, and callers waiting for one.
        environment.metrics().gauge("redis.pool.active", () -> () -> client.getPool().getNumActive());
        environment.metrics().gauge("redis.pool.idle", () -> () -> client.getPool().getNumIdle());
        environment.metrics().gauge("redis.pool.waiting", () -> () -> client.getPool().getNumWaiters());
        environment.lifecycle().manage(new Managed() {
            @Override public void stop() { client.close(); }
        });
        return client;
    }

    public RedisClient build(String clientName) {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(maxTotal);
        pool.setMaxIdle(maxTotal);
        pool.setMinIdle(minIdle);
        pool.setMaxWait(maxWait.toJavaDuration());
        pool.setTestWhileIdle(true);
        DefaultJedisClientConfig.Builder clientConfig = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) connectTimeout.toMilliseconds())
                .socketTimeoutMillis((int) socketTimeout.toMilliseconds())
                .database(database)
                .clientName(clientName);
        if (password != null && !password.isEmpty()) {
            clientConfig.password(password);
        }
        return RedisClient.builder()
                .hostAndPort(host, port)
                .clientConfig(clientConfig.build())
                .poolConfig(pool)
                .build();
    }

    @JsonProperty public String getHost() { return host; }
    @JsonProperty public void setHost(String host) { this.host = host; }
    @JsonProperty public int getPort() { return port; }
    @JsonProperty public void setPort(int port) { this.port = port; }
    @JsonProperty public String getPassword() { return password; }
    @JsonProperty public void setPassword(String password) { this.password = password; }
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
    @JsonProperty public String getKeyPrefix() { return keyPrefix; }
    @JsonProperty public void setKeyPrefix(String keyPrefix) { this.keyPrefix = keyPrefix; }
}
