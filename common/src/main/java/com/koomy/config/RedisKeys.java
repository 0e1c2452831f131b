package com.koomy.config;

import java.util.UUID;

/**
 * Every Redis key Koomy uses, under one prefix ({@code redis.keyPrefix}, KOOMY_REDIS_PREFIX): stacks and
 * test runs that share a Redis never share state when their prefixes differ. Keys that one command or
 * script uses together carry the same hash tag ({@code {...}}), so on a Redis Cluster they live in one
 * slot. docs/architecture.md ("Redis keys") lists the families; a new one belongs here, not in its caller.
 */
public final class RedisKeys {

    private final String prefix;

    public RedisKeys(String prefix) {
        if (prefix == null || prefix.isEmpty() || hasBraces(prefix)) {
            // A brace in the prefix would become every key's hash tag, putting the whole stack in one slot.
            throw new IllegalArgumentException("Redis key prefix must be non-empty and without { or }: " + prefix);
        }
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }

    /** A session, by its token's SHA-256 (hex). */
    public String session(String tokenHash) {
        return prefix + "session:" + tokenHash;
    }

    /** The set of an account's session hashes (revoked together). */
    public String accountSessions(UUID accountId) {
        return prefix + "account-sessions:" + accountId;
    }

    /**
     * The stem of one cache entry's keys ({@link com.koomy.cache.JsonCache} appends {@code :gen} and
     * {@code :v<schema>}); both are read by one MGET and changed by one script, hence the tag per entry.
     */
    public String cacheEntry(String cache, String id) {
        if (hasBraces(cache) || hasBraces(id)) {
            throw new IllegalArgumentException("cache name and id must not contain { or }: " + cache + ", " + id);
        }
        return prefix + "cache:{" + cache + ":" + id + "}";
    }

    /** The API's token bucket of one policy and subject (client address, account). */
    public String rateLimit(String policy, String subject) {
        return prefix + "rl:" + policy + ":" + subject;
    }

    /**
     * The stem of an outbound provider's shared per-second counters ({@code stripe}, {@code sendgrid}),
     * the same in the API and the workers of a stack; {@link com.koomy.ratelimit.ProviderRateLimiter} appends
     * {@code :all} and {@code :bulk}.
     */
    public String providerLimit(String provider) {
        return prefix + "ratelimit:{" + provider + "}";
    }

    /** The request counters of one minute, summed over API instances. */
    public String requestStats(long epochMinute) {
        return prefix + "stats:req:" + epochMinute;
    }

    /** Which API instance samples the database's counts for the cluster (a lease: SET NX PX, renewed each period). */
    public String opsSamplerLease() {
        return prefix + "ops:sampler:lease";
    }

    /** The cluster's last sample of the database's counts (JSON), written by the lease holder. */
    public String opsSnapshot() {
        return prefix + "ops:sampler:snapshot";
    }

    private static boolean hasBraces(String s) {
        return s.indexOf('{') >= 0 || s.indexOf('}') >= 0;
    }

    @Override
    public String toString() {
        return "RedisKeys[" + prefix + "*]";
    }
}
