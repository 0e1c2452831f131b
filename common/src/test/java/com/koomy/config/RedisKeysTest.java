package com.koomy.config;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisKeysTest {

    private final RedisKeys keys = new RedisKeys("stack-a:");

    @Test
    void everyFamilyIsUnderThePrefix() {
        UUID account = UUID.fromString("00000000-0000-0000-0000-00000000000a");
        assertThat(List.of(keys.session("ab12"), keys.accountSessions(account), keys.cacheEntry("plans", "all"),
                keys.rateLimit("login", "127.0.0.1"), keys.providerLimit("stripe"), keys.requestStats(29_000_000L)))
                .containsExactly("stack-a:session:ab12", "stack-a:account-sessions:" + account, "stack-a:cache:{plans:all}",
                        "stack-a:rl:login:127.0.0.1", "stack-a:ratelimit:{stripe}", "stack-a:stats:req:29000000");
    }

    @Test
    void keysUsedTogetherShareASlotAndEntriesSpreadOverSlots() {
        String entry = keys.cacheEntry("communities", "c1");
        assertThat(JedisClusterCRC16.getSlot(entry + ":gen")).isEqualTo(JedisClusterCRC16.getSlot(entry + ":v3"));
        assertThat(JedisClusterCRC16.getSlot(entry + ":gen"))
                .isEqualTo(JedisClusterCRC16.getSlot(new RedisKeys("other:").cacheEntry("communities", "c1") + ":gen"))
                .isNotEqualTo(JedisClusterCRC16.getSlot(keys.cacheEntry("communities", "c2") + ":gen"));
    }

    @Test
    void bracesCannotTakeOverTheHashTag() {
        assertThatThrownBy(() -> new RedisKeys("stack{a}:")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RedisKeys("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.cacheEntry("plans", "a}b")).isInstanceOf(IllegalArgumentException.class);
    }
}
