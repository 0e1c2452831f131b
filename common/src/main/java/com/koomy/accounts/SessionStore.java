package com.koomy.accounts;

import com.koomy.config.RedisKeys;
import com.koomy.redis.RedisFailures;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
    private final int replicas;
    private final Duration replicaAckTimeout;

    public SessionStore(UnifiedJedis redis, RedisKeys keys, Duration idle, Duration absolute) {
        this(redis, keys, idle, absolute, 0, Duration.ZERO);
    }

    /**
     * A store that, after writing a new session, waits (Redis WAIT) until {@code replicas} replicas have it or
     * {@code replicaAckTimeout} passed: with Sentinel, a failover right after a sign-in keeps the session.
     */
    public SessionStore(UnifiedJedis redis, RedisKeys keys, Duration idle, Duration absolute, int replicas,
                        Duration replicaAckTimeout) {
        this.redis = redis;
        this.keys = keys;
        this.idle = idle;
        this.absolute = absolute;
        this.replicas = replicas;
        this.replicaAckTimeout = replicaAckTimeout;
    }

    /**
     * A store for a process that only revokes sessions (the worker's account erasure): the timeouts, which only
     * creating and resolving sessions use, are the API's defaults and unused.
     */
    public static SessionStore revoker(UnifiedJedis redis, RedisKeys keys) {
        return new SessionStore(redis, keys, Duration.ofHours(24), Duration.ofDays(30));
    }

    public record Created(String token, Instant expiresAt, Instant absoluteExpiry) {
    }

    /**
     * What the account holder sees of a device in their list of sessions: the client's address and user
     * agent when the session was created (either may be null; the user agent is cut to 256 characters).
     */
    public record Device(String userAgent, String ipAddress) {
        public static final Device UNKNOWN = new Device(null, null);

        public Device {
            userAgent = userAgent == null || userAgent.isBlank() ? null
                    : userAgent.length() > 256 ? userAgent.substring(0, 256) : userAgent;
            ipAddress = ipAddress == null || ipAddress.isBlank() ? null : ipAddress;
        }
    }

    /** One live session as its owner lists it; {@code id} is the SHA-256 of its token (the token itself is never kept). */
    public record Listed(String id, Instant createdAt, Instant lastSeenAt, Instant absoluteExpiry, String userAgent,
                         String ipAddress) {
    }

    public Created create(UUID accountId) {
        return create(accountId, Device.UNKNOWN);
    }

    public Created create(UUID accountId, Device device) {
        String token = SecretTokens.newToken();
        String hash = SecretTokens.sha256Hex(token);
        Instant now = Instant.now();
        Instant absoluteExpiry = now.plus(absolute);
        String key = keys.session(hash);
        Map<String, String> fields = new HashMap<>(Map.of("account", accountId.toString(),
                "created", Long.toString(now.toEpochMilli()), "seen", Long.toString(now.toEpochMilli()),
                "absolute", Long.toString(absoluteExpiry.toEpochMilli())));
        if (device.userAgent() != null) {
            fields.put("agent", device.userAgent());
        }
        if (device.ipAddress() != null) {
            fields.put("ip", device.ipAddress());
        }
        redis.hset(key, fields);
        redis.pexpire(key, idle.toMillis());
        redis.sadd(keys.accountSessions(accountId), hash);
        redis.pexpire(keys.accountSessions(accountId), absolute.toMillis());
        if (replicas > 0 && redis.waitReplicas(key, replicas, Math.max(1, replicaAckTimeout.toMillis())) < replicas) {
            // A failover now would lose the session: refuse it (503) rather than hand out a token that may vanish.
            redis.del(key);
            throw new RedisFailures.NotReplicated("the new session reached fewer than " + replicas + " replicas in time");
        }
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
            redis.call('HSET', KEYS[1], 'seen', ARGV[1])
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

    /** Every session of the account (password reset, account deletion). */
    public void revokeAll(UUID accountId) {
        String set = keys.accountSessions(accountId);
        for (String hash : redis.smembers(set)) {
            redis.del(keys.session(hash));
        }
        redis.del(set);
    }

    /** Every session of the account but {@code keepHash} (a password change keeps the session that made it). */
    public void revokeAllExcept(UUID accountId, String keepHash) {
        String set = keys.accountSessions(accountId);
        for (String hash : redis.smembers(set)) {
            if (!hash.equals(keepHash)) {
                redis.del(keys.session(hash));
                redis.srem(set, hash);
            }
        }
    }

    /**
     * Revokes one session of this account by its id; false when the account has no such live session
     * (someone else's id is unknown here: only this account's set is looked in).
     */
    public boolean revoke(UUID accountId, String sessionId) {
        String set = keys.accountSessions(accountId);
        if (sessionId == null || !redis.sismember(set, sessionId)) {
            return false;
        }
        boolean live = redis.del(keys.session(sessionId)) > 0;
        redis.srem(set, sessionId);
        return live;
    }

    /** The account's live sessions, oldest first; ids of sessions that expired are dropped from its set on the way. */
    public List<Listed> list(UUID accountId) {
        String set = keys.accountSessions(accountId);
        List<Listed> live = new ArrayList<>();
        long now = Instant.now().toEpochMilli();
        for (String hash : redis.smembers(set)) {
            List<String> f = redis.hmget(keys.session(hash), "account", "created", "seen", "absolute", "agent", "ip");
            if (f.get(0) == null || f.get(3) == null || Long.parseLong(f.get(3)) <= now) {
                redis.srem(set, hash);
                continue;
            }
            live.add(new Listed(hash, instant(f.get(1)), f.get(2) == null ? instant(f.get(1)) : instant(f.get(2)),
                    instant(f.get(3)), f.get(4), f.get(5)));
        }
        live.sort(Comparator.comparing(Listed::createdAt).thenComparing(Listed::id));
        return live;
    }

    private static Instant instant(String epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(Long.parseLong(epochMillis));
    }
}
