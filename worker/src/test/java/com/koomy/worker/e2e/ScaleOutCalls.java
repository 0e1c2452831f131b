package com.koomy.worker.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.testing.ApiHttp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.FreePorts;
import com.koomy.testing.TestDatabase;
import com.koomy.testing.TestRedis;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The processes' environment of {@link ScaleOutIT}, and its API calls against one base URL (an instance or the
 * balancer), each with the instance that answered.
 */
final class ScaleOutCalls {

    private ScaleOutCalls() {
    }

    /** What every process of the test shares: the database, small pools, one trusted proxy, a Redis prefix of its own. */
    static Map<String, String> env(TestDatabase db, Duration localPageTtl) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", db.url());
        env.put("DATABASE_USER", TestDatabase.user());
        env.put("DATABASE_PASSWORD", TestDatabase.password());
        env.put("KOOMY_DASHBOARD_ENABLED", "false");
        // Small pools: three processes next to whatever else uses the machine's PostgreSQL.
        env.put("KOOMY_API_DB_MAX", "6");
        env.put("KOOMY_WORKER_DB_MAX", "6");
        env.put("KOOMY_WORKER_JOBS_DB_MAX", "6");
        env.put("KOOMY_JOBS_WORKERS", "2");
        // As behind the balancer (one trusted proxy); the test may also send its own X-Forwarded-For,
        // which counts for nothing. Redis keys (limits, sessions, caches) of this run only (the Redis is shared).
        env.put("KOOMY_TRUSTED_PROXIES", "1");
        env.put("KOOMY_REDIS_PREFIX", TestRedis.newPrefix());
        env.put("KOOMY_CACHE_PUBLIC_PAGE_LOCAL_TTL", localPageTtl.toSeconds() + "s");
        return env;
    }

    /** An API instance's environment: {@code env} on its own application and admin ports. */
    static Map<String, String> apiEnv(Map<String, String> env, int port) {
        Map<String, String> copy = new HashMap<>(env);
        copy.put("KOOMY_API_PORT", String.valueOf(port));
        copy.put("KOOMY_API_ADMIN_PORT", String.valueOf(FreePorts.next()));
        return copy;
    }

    record Account(String email, String password) {
    }

    /** An answer and the API instance that gave it (X-Koomy-Instance, null through none). */
    record Reply(int status, JsonNode json, String instance) {
        String code() {
            JsonNode error = json.path("error");
            return (error.isObject() ? error : json).path("code").asText(null);
        }
    }

    static void assertRateLimited(Reply reply) {
        assertThat(reply.status).isEqualTo(429);
        assertThat(reply.code()).isEqualTo("rate_limited");
    }

    static String randomAddress() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    static Account register(String base, String name) throws Exception {
        Account account = new Account(name.toLowerCase() + "-" + UUID.randomUUID() + "@example.org", "correct horse " + name);
        Reply created = call(base, "POST", "/api/auth/register", null,
                Map.of("email", account.email, "password", account.password, "name", name, "locale", "en"), null);
        assertThat(created.status).as("register: %s", created.json).isEqualTo(201);
        return account;
    }

    static String login(String base, Account account) throws Exception {
        Reply session = call(base, "POST", "/api/auth/login", null,
                Map.of("email", account.email, "password", account.password), null);
        assertThat(session.status).as("login: %s", session.json).isEqualTo(200);
        return session.json.path("token").asText();
    }

    static Reply badLogin(String base, String email, String address) throws Exception {
        return call(base, "POST", "/api/auth/login", null, Map.of("email", email, "password", "not the password"), address);
    }

    static String createPublicCommunity(String base, String token, String name) throws Exception {
        Reply created = call(base, "POST", "/api/communities", token, Map.of("name", name, "visibility", "public"), null);
        assertThat(created.status).as("create: %s", created.json).isEqualTo(201);
        return created.json.path("id").asText();
    }

    static String publicName(String base, String id) throws Exception {
        Reply page = call(base, "GET", "/api/communities/" + id, null, null, null);
        assertThat(page.status).isEqualTo(200);
        return page.json.path("name").asText();
    }

    static Reply call(String base, String method, String path, String token, Object body, String forwardedFor) {
        HttpRequest.Builder request = ApiHttp.request(base, method, path, token, body).timeout(Duration.ofSeconds(10));
        if (forwardedFor != null) {
            request.header("X-Forwarded-For", forwardedFor);
        }
        ApiReply reply = ApiHttp.reply(ApiHttp.send(request), false);
        return new Reply(reply.status(), reply.body(), reply.header("X-Koomy-Instance").orElse(null));
    }
}
