package com.koomy.accounts;

import com.koomy.config.RedisKeys;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
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

    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final Duration idle;
    private final Duration absolute;

    public SessionStore(UnifiedJedis redis, RedisKeys keys, Duration idle, Duration absolute) {
        this.redis = redis;
        this.keys = keys;
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
        String key = keys.session(hash);
        redis.hset(key, Map.of("account", accountId.toString(), "created", Long.toString(now.toEpochMilli()),
                "absolute", Long.toString(absoluteExpiry.toEpochMilli())));
        redis.pexpire(key, idle.toMillis());
        redis.sadd(keys.accountSessions(accountId), hash);
        redis.pexpire(keys.accountSessions(accountId), absolute.toMillis());
        return new Created(token, now.plus(idle), absoluteExpiry);
    }

    /**
     * Reads a session and pushes its idle expiry back in one round trip (this runs on every signed-in
     * request): fields, absolute-expiry check and PEXPIRE happen atomically in Redis. The clock is the
     * API's, passed in, so every instance judges expiry alike.
     */
    private static final String RESOLVE = """
            local f = redis.call('HMGET', KEYS[1], 'account', 'created', 'absolute')
            if not f[1] or not f[3] then return false end
            local now = tonumber(ARGV[1])
            local absolute = tonumber(f[3])
            if absolute <= now then
              redis.call('DEL', KEYS[1])
              return false
            end
            redis.call('PEXPIRE', KEYS[1], math.min(tonumber(ARGV[2]), absolute - now))
            return f
            """;

    private static final String RESOLVE_SHA = sha1Hex(RESOLVE);

    /** The live session of this token, its idle expiry pushed back; nothing if unknown or expired. */
    @SuppressWarnings("unchecked")
    public Optional<Session> resolve(String token) {
        String hash = SecretTokens.sha256Hex(token);
        List<String> scriptKeys = List.of(keys.session(hash));
        List<String> args = List.of(Long.toString(Instant.now().toEpochMilli()), Long.toString(idle.toMillis()));
        Object found;
        try {
            found = redis.evalsha(RESOLVE_SHA, scriptKeys, args);
        } catch (JedisNoScriptException e) {
            found = redis.eval(RESOLVE, scriptKeys, args); // a restarted or flushed Redis: EVAL loads the script again
        }
        if (!(found instanceof List<?> fields) || fields.size() < 3) {
            return Optional.empty();
        }
        List<String> values = (List<String>) fields;
        return Optional.of(new Session(hash, UUID.fromString(values.get(0)),
                Instant.ofEpochMilli(Long.parseLong(values.get(1))), Instant.ofEpochMilli(Long.parseLong(values.get(2)))));
    }

    private static String sha1Hex(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JVM", e);
        }
    }

    public void revoke(Session session) {
        redis.del(keys.session(session.tokenHash()));
        redis.srem(keys.accountSessions(session.accountId()), session.tokenHash());
    }

    /** Every session of the account (password change, reset). */
    public void revokeAll(UUID accountId) {
        String set = keys.accountSessions(accountId);
        for (String hash : redis.smembers(set)) {
            redis.del(keys.session(hash));
        }
        redis.del(set);
    }
}
