package com.koomy.testing;

import com.koomy.config.RedisFactory;
import com.koomy.config.RedisKeys;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The Redis of the tests, found as config/api.yml and config/worker.yml find it (REDIS_HOST, REDIS_PORT,
 * REDIS_PASSWORD, REDIS_DATABASE), so that what a test writes or reads directly is what its apps see;
 * and key prefixes of their own for each app (or group of processes that share state), so test runs and
 * a developer's stack on the same Redis never see each other's keys.
 */
public final class TestRedis {

    private static final UnifiedJedis CLIENT = factory().build("koomy-tests");

    private TestRedis() {
    }

    /** A prefix nobody else uses: give it to one app (redis.keyPrefix) or to the processes of one test. */
    public static String newPrefix() {
        return "koomy-test-" + UUID.randomUUID() + ":";
    }

    /** Key names under a fresh prefix, for components a test builds itself. */
    public static RedisKeys newKeys() {
        return new RedisKeys(newPrefix());
    }

    /** The tests' Redis settings, from the same variables as the YAML files (defaults alike). */
    public static RedisFactory factory() {
        RedisFactory factory = new RedisFactory();
        factory.setHost(env("REDIS_HOST", "127.0.0.1"));
        factory.setPort(Integer.parseInt(env("REDIS_PORT", "6379")));
        factory.setPassword(env("REDIS_PASSWORD", ""));
        factory.setDatabase(Integer.parseInt(env("REDIS_DATABASE", "0")));
        return factory;
    }

    /** One client on the tests' Redis, shared by the tests of this JVM (not to be closed). */
    public static UnifiedJedis client() {
        return CLIENT;
    }

    /** Every key of the tests' Redis database that matches (SCAN, not KEYS: other processes may be busy). */
    public static Set<String> keys(Predicate<String> filter) {
        Set<String> found = new HashSet<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams params = new ScanParams().count(1000);
        do {
            ScanResult<String> page = CLIENT.scan(cursor, params);
            page.getResult().stream().filter(filter).forEach(found::add);
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return found;
    }

    /**
     * Deletes every key under {@code prefix} (a test app's, once it has stopped): cache generations live 30
     * days and sessions a day, and each run makes new prefixes.
     */
    public static void deleteAll(String prefix) {
        if (!prefix.startsWith("koomy-test-")) {
            throw new IllegalArgumentException("only test prefixes are deleted, not " + prefix);
        }
        String[] found = keys(k -> k.startsWith(prefix)).toArray(String[]::new);
        for (int i = 0; i < found.length; i += 500) {
            CLIENT.del(java.util.Arrays.copyOfRange(found, i, Math.min(found.length, i + 500)));
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }
}
