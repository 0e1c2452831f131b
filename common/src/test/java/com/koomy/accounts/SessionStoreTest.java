package com.koomy.accounts;

import com.koomy.config.RedisKeys;
import com.koomy.testing.RedisTarget;
import com.koomy.testing.TestRedis;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class SessionStoreTest {

    /** The Redis these tests run on; {@code SessionStoreOnClusterTest} runs them on a three-primary Redis Cluster. */
    RedisTarget target() {
        return RedisTarget.SINGLE;
    }

    UnifiedJedis redis() {
        return target().client();
    }
    private final RedisKeys keys = TestRedis.newKeys();

    @Test
    void anUnusedSessionEndsAfterTheIdleTimeout() throws InterruptedException {
        SessionStore store = new SessionStore(redis(), keys, Duration.ofMillis(700), Duration.ofHours(1));
        UUID account = UUID.randomUUID();
        String used = store.create(account).token();
        String unused = store.create(account).token();

        for (int i = 0; i < 4; i++) {
            Thread.sleep(300);
            assertThat(store.resolve(used)).isPresent(); // each use pushes the idle expiry back
        }
        assertThat(store.resolve(unused)).isEmpty();
    }

    @Test
    void aSessionResolvesAfterRedisForgotItsScripts() {
        SessionStore store = new SessionStore(redis(), keys, Duration.ofHours(1), Duration.ofHours(2));
        UUID account = UUID.randomUUID();
        SessionStore.Created created = store.create(account);
        assertThat(store.resolve(created.token())).get().extracting(Session::accountId).isEqualTo(account);
        redis().scriptFlush(); // as after a Redis restart: the next EVALSHA answers NOSCRIPT
        Session session = store.resolve(created.token()).orElseThrow();
        assertThat(session.accountId()).isEqualTo(account);
        assertThat(session.absoluteExpiry()).isEqualTo(created.absoluteExpiry().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(store.resolve("not-a-token")).isEmpty();
    }

    @Test
    void noSessionOutlivesItsAbsoluteExpiry() throws InterruptedException {
        SessionStore store = new SessionStore(redis(), keys, Duration.ofHours(1), Duration.ofMillis(800));
        String token = store.create(UUID.randomUUID()).token();
        assertThat(store.resolve(token)).isPresent();
        Thread.sleep(900);
        assertThat(store.resolve(token)).isEmpty();
    }

    @Test
    void revokingAllSessionsOfAnAccountLeavesOthersAlone() {
        SessionStore store = new SessionStore(redis(), keys, Duration.ofHours(1), Duration.ofHours(2));
        UUID account = UUID.randomUUID();
        String a = store.create(account).token();
        String b = store.create(account).token();
        String someoneElse = store.create(UUID.randomUUID()).token();

        store.revokeAll(account);

        assertThat(store.resolve(a)).isEmpty();
        assertThat(store.resolve(b)).isEmpty();
        assertThat(store.resolve(someoneElse)).isPresent();
        assertThat(redis().exists(keys.session(SecretTokens.sha256Hex(a)))).isFalse();
        assertThat(redis().exists(keys.accountSessions(account))).isFalse();
    }

    /** Two stacks on one Redis with different prefixes: a token of one is unknown to the other. */
    @Test
    void storesUnderDifferentPrefixesDoNotShareSessions() {
        RedisKeys otherKeys = TestRedis.newKeys();
        SessionStore mine = new SessionStore(redis(), keys, Duration.ofHours(1), Duration.ofHours(2));
        SessionStore other = new SessionStore(redis(), otherKeys, Duration.ofHours(1), Duration.ofHours(2));
        UUID account = UUID.randomUUID();
        String token = mine.create(account).token();

        assertThat(mine.resolve(token)).isPresent();
        assertThat(other.resolve(token)).isEmpty();
        other.revokeAll(account);
        assertThat(mine.resolve(token)).isPresent();
        assertThat(target().keys(k -> k.startsWith(keys.prefix())))
                .containsExactlyInAnyOrder(keys.session(SecretTokens.sha256Hex(token)), keys.accountSessions(account));
    }
}
