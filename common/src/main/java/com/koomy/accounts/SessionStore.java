package com.koomy.accounts;

import redis.clients.jedis.UnifiedJedis;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Sessions in Redis, so any API instance accepts any token: only the token's SHA-256 is a key, with
 * an idle expiry (renewed on use, as the key's TTL) and an absolute expiry (stored, never renewed).
 * Each account keeps the set of its sessions, so a password change or "log out everywhere" revokes
 * them all. Redis errors propagate: callers answer 503, never treat the client as anonymous.
 */
public class SessionStore {

    private static final String PREFIX = "koomy:session:";
    private static final String ACCOUNT_PREFIX = "koomy:account-sessions:";

    private final UnifiedJedis redis;
    private final Duration idle;
    private final Duration absolute;

    public SessionStore(UnifiedJedis redis, Duration idle, Duration absolute) {
        this.redis = redis;
        this.idle = idle;
        this.absolute = absolute;
    }

    public record Created(String token, Instant expiresAt, Instant absoluteExpiry) {
    }

    public Created create(UUID accountId) {
        String token = SecretTokens.newToken();
        String hash = SecretTokens.sha256Hex(token);
        Instant now = Instant.now();
        Instant absoluteExpiry = now.plus(absolute);
        String key = PREFIX + hash;
        redis.hset(key, Map.of("account", accountId.toString(), "created", Long.toString(now.toEpochMilli()),
                "absolute", Long.toString(absoluteExpiry.toEpochMilli())));
        redis.pexpire(key, idle.toMillis());
        redis.sadd(ACCOUNT_PREFIX + accountId, hash);
        redis.pexpire(ACCOUNT_PREFIX + accountId, absolute.toMillis());
        return new Created(token, now.plus(idle), absoluteExpiry);
    }

    /** The live session of this token, its idle expiry pushed back; nothing if unknown or expired. */
    public Optional<Session> resolve(String token) {
        String hash = SecretTokens.sha256Hex(token);
        String key = PREFIX + hash;
        Map<String, String> fields = redis.hgetAll(key);
        if (fields == null || fields.isEmpty() || !fields.containsKey("account")) {
            return Optional.empty();
        }
        Instant absoluteExpiry = Instant.ofEpochMilli(Long.parseLong(fields.get("absolute")));
        Instant now = Instant.now();
        if (!absoluteExpiry.isAfter(now)) {
            redis.del(key);
            return Optional.empty();
        }
        long ttl = Math.min(idle.toMillis(), Duration.between(now, absoluteExpiry).toMillis());
        redis.pexpire(key, ttl);
        return Optional.of(new Session(hash, UUID.fromString(fields.get("account")),
                Instant.ofEpochMilli(Long.parseLong(fields.get("created"))), absoluteExpiry));
    }

    public void revoke(Session session) {
        redis.del(PREFIX + session.tokenHash());
        redis.srem(ACCOUNT_PREFIX + session.accountId(), session.tokenHash());
    }

    /** Every session of the account (password change, reset). */
    public void revokeAll(UUID accountId) {
        String set = ACCOUNT_PREFIX + accountId;
        for (String hash : redis.smembers(set)) {
            redis.del(PREFIX + hash);
        }
        redis.del(set);
    }
}
