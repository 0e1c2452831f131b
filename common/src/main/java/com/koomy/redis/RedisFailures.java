package com.koomy.redis;

import redis.clients.jedis.exceptions.JedisBusyException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

import java.util.List;

/**
 * Tells a Redis that is unavailable for a moment (down, unreachable, failing over, a replica not yet caught up)
 * from a bug: the first is answered 503 with Retry-After, the request having changed nothing in Redis that a
 * retry would not redo; the second stays a 500.
 */
public final class RedisFailures {

    /** Errors Redis answers while a node restarts, a Sentinel failover or a cluster resharding is under way. */
    private static final List<String> TRANSIENT_REPLIES = List.of("READONLY", "LOADING", "MASTERDOWN", "CLUSTERDOWN",
            "TRYAGAIN", "NOREPLICAS");

    private RedisFailures() {
    }

    /** A write Redis accepted but did not copy to the replicas asked for in time (WAIT): as good as not written. */
    public static final class NotReplicated extends JedisException {
        public NotReplicated(String message) {
            super(message);
        }
    }

    /** True when {@code e} or one of its causes says Redis is unavailable for now. */
    public static boolean unavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JedisConnectionException || t instanceof JedisClusterOperationException
                    || t instanceof JedisBusyException || t instanceof NotReplicated) {
                return true;
            }
            if (t instanceof JedisDataException && t.getMessage() != null
                    && TRANSIENT_REPLIES.stream().anyMatch(t.getMessage()::startsWith)) {
                return true;
            }
        }
        return false;
    }
}
