package com.koomy.config;

import com.koomy.accounts.SessionStore;
import com.koomy.ratelimit.ProviderRateLimiter;
import com.koomy.testing.RedisServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code redis.tls} and {@code redis.user}: a real server that speaks only TLS and knows only one ACL user, allowed
 * keys under the stack's prefix. Sessions (a Lua script), the provider limiter (a script with two keys) and plain
 * commands work; without TLS, with a wrong password or outside the prefix, Redis refuses.
 */
@EnabledIf("com.koomy.testing.RedisServers#available")
class RedisTlsAclTest {

    private static final String PREFIX = "koomy-acl:";
    private static RedisServers server;

    @BeforeAll
    static void start() throws Exception {
        server = RedisServers.tlsWithAclUser("koomy", "acl-test-password", PREFIX + "*");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private RedisFactory factory() {
        RedisFactory factory = new RedisFactory();
        factory.setPort(server.nodes().get(0).port());
        factory.setTls(true);
        factory.setTrustStore(server.trustStore().toString());
        factory.setTrustStorePassword(RedisServers.TRUST_STORE_PASSWORD);
        factory.setUser("koomy");
        factory.setPassword("acl-test-password");
        factory.setKeyPrefix(PREFIX);
        return factory;
    }

    @Test
    void sessionsAndLimitsWorkOverTlsAsTheAclUser() {
        RedisFactory factory = factory();
        try (UnifiedJedis redis = factory.build("koomy-tls-test")) {
            SessionStore sessions = new SessionStore(redis, factory.keys(), Duration.ofHours(1), Duration.ofHours(2));
            UUID account = UUID.randomUUID();
            String token = sessions.create(account).token();
            assertThat(sessions.resolve(token)).get().extracting(s -> s.accountId()).isEqualTo(account);

            ProviderRateLimiter limiter = new ProviderRateLimiter(redis, factory.keys().providerLimit("sendgrid"), 3, 0, Duration.ZERO);
            assertThat(limiter.tryAcquire(false)).as("no wait: a token was taken").isEmpty();

            assertThatThrownBy(() -> redis.set("elsewhere:key", "x")).isInstanceOf(JedisException.class)
                    .hasMessageContaining("NOPERM");
        }
    }

    @Test
    void withoutTlsOrWithAWrongPasswordRedisRefuses() {
        RedisFactory plain = factory();
        plain.setTls(false);
        plain.setConnectTimeout(io.dropwizard.util.Duration.milliseconds(500));
        plain.setSocketTimeout(io.dropwizard.util.Duration.milliseconds(500));
        try (UnifiedJedis redis = plain.build("koomy-plain-test")) {
            assertThatThrownBy(redis::ping).isInstanceOf(JedisException.class);
        }
        RedisFactory wrong = factory();
        wrong.setPassword("not the password");
        try (UnifiedJedis redis = wrong.build("koomy-wrong-test")) {
            assertThatThrownBy(redis::ping).isInstanceOf(JedisException.class);
        }
    }
}
