package com.koomy.api.fastpath;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.api.fastpath.BothWays.Answer;
import com.koomy.api.fastpath.BothWays.Caller;
import com.koomy.testing.StripeTestEvents;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every route with a fast path, asked of an API with fast paths on and of one with them off
 * ({@code fastPaths.enabled: false}): the same answers (status, Content-Type, ETag, Retry-After,
 * WWW-Authenticate, Cache-Control, Vary, body) for callers who may and callers who may not (signed out, unknown
 * session, wrong role, another community's owner), bad parameters and bodies, exhausted rate limits, and
 * the path's other spellings (UnambiguousPathFilter's, upper-case and malformed ids, trailing slash).
 */
class FastPathsBothWaysTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CARD_SECRET = secret();

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> fast = ApiTestApp.withRateLimits(db, overrides(true));

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> slow = ApiTestApp.withRateLimits(db, overrides(false));

    private static BothWays both;
    private static Caller owner;
    private static Caller member;
    private static Caller outsider;
    private static Caller otherOwner;
    private static UUID community;
    private static UUID privateCommunity;
    private static UUID event;
    private static String ticket;

    private static ConfigOverride[] overrides(boolean fastPaths) {
        return new ConfigOverride[]{ConfigOverride.config("fastPaths.enabled", Boolean.toString(fastPaths)),
                ConfigOverride.config("migrateOnStart", Boolean.toString(fastPaths)),
                ConfigOverride.config("cardKeySecret", CARD_SECRET),
                ConfigOverride.config("trustedProxies", "1"),
                // Refills slow enough that a limit spent stays spent for the test (Retry-After alike on both).
                ConfigOverride.config("rateLimits.policies.perClient.requests", "2000"),
                ConfigOverride.config("rateLimits.policies.perClient.period", "20 hours"),
                ConfigOverride.config("rateLimits.policies.perAccount.requests", "1000"),
                ConfigOverride.config("rateLimits.policies.perAccount.period", "20 hours"),
                ConfigOverride.config("rateLimits.policies.door.requests", "1000"),
                ConfigOverride.config("rateLimits.policies.door.period", "20 hours")};
    }

    private static String secret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    @BeforeAll
    static void world() {
        both = new BothWays(fast, slow);
        owner = both.caller(account("Olga Owner"));
        member = both.caller(account("Marc Member"));
        outsider = both.caller(account("Xavier Outsider"));
        otherOwner = both.caller(account("Zoe Elsewhere"));
        community = created(owner, "Both Ways Club", "public");
        privateCommunity = created(owner, "Both Ways Circle", "private");
        created(otherOwner, "Elsewhere Club", "public");
        assertThat(post("/api/communities/" + community + "/join", member, null).status()).isEqualTo(201);
        event = UUID.fromString(post("/api/communities/" + community + "/events", owner, Map.of("title", "Door night",
                "place", "Hall", "startsAt", Instant.now().plusSeconds(3600).toString(),
                "endsAt", Instant.now().plusSeconds(3 * 3600).toString(), "timeZone", "Europe/Paris"))
                .body().get("id").asText());
        ticket = post("/api/events/" + event + "/registrations?qr=false", member, null).body().get("qr").asText();
    }

    private static UUID account(String name) {
        UUID id = UUID.randomUUID();
        db.jdbi().useHandle(h -> h.execute("INSERT INTO accounts (id, email, name, password_hash, email_verified_at) "
                + "VALUES (?, ?, ?, 'x', now())", id, name.toLowerCase().replace(' ', '.') + "-" + id + "@example.org", name));
        return id;
    }

    private static Answer post(String path, Caller caller, Object body) {
        try {
            Answer answer = BothWays.send(fast.getLocalPort(), "POST", path, caller.fastToken(), "application/json",
                    body == null ? null : JSON.writeValueAsBytes(body));
            assertThat(answer.status()).as(path + ": " + answer.body()).isBetween(200, 201);
            return answer;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static UUID created(Caller by, String name, String visibility) {
        return UUID.fromString(post("/api/communities", by, Map.of("name", name, "visibility", visibility,
                "joinPolicy", "open")).body().get("id").asText());
    }

    /** The path's other spellings: each API must answer them alike (Jersey or the path filter, never a fast path twice). */
    private static List<String> spellings(String prefix, String id, String suffix) {
        return List.of(prefix + id.toUpperCase() + suffix, prefix + "not-a-uuid" + suffix, prefix + id + suffix + "/",
                prefix + id + suffix + ";x=1", prefix + id + ";x=1" + suffix, prefix + id + suffix + "%3Bx",
                prefix.replace("/api/", "/api//") + id + suffix, prefix + "x/../" + id + suffix,
                prefix + id + "/." + suffix, prefix + id + suffix.replace("/", "%2F"), prefix + id + suffix + "%2F",
                prefix + id.substring(0, 35) + "%" + Integer.toHexString(id.charAt(35)) + suffix);
    }

    @Test
    void theDirectory() {
        String path = "/api/communities/" + community + "/members";
        both.same("owner", "GET", path, owner, null, null);
        both.same("owner, filtered", "GET", path + "?role=member&status=active&dues=overdue&q=marc&limit=1", owner, null, null);
        both.same("owner, JSON content type", "GET", path, owner, "application/json", null);
        for (Caller refused : List.of(Caller.ANONYMOUS, Caller.UNKNOWN_SESSION, member, outsider, otherOwner)) {
            both.same("refused " + refused.id(), "GET", path, refused, null, null);
        }
        for (String query : List.of("?status=gone", "?role=king", "?dues=maybe", "?limit=0", "?limit=101", "?limit=x",
                "?cursor=garbage", "?q=" + "q".repeat(201))) {
            both.same("bad " + query, "GET", path + query, owner, null, null);
            both.same("bad " + query + " by a member", "GET", path + query, member, null, null);
        }
        both.same("unknown community", "GET", "/api/communities/" + UUID.randomUUID() + "/members", owner, null, null);
        both.same("accept CSV", "GET", path, owner, null, null, "Accept", "text/csv");
        both.same("accept JSON", "GET", path, owner, null, null, "Accept", "application/json, text/plain");
        for (String spelling : spellings("/api/communities/", community.toString(), "/members")) {
            both.same(spelling, "GET", spelling, owner, null, null);
        }
        both.exhausted("perAccount", owner.id().toString(), () ->
                assertThat(both.same("owner over the limit", "GET", path, owner, null, null)[0].status()).isEqualTo(429));
    }

    @Test
    void thePublicPage() {
        String path = "/api/communities/" + community;
        Answer[] page = both.same("signed out", "GET", path, Caller.ANONYMOUS, null, null);
        assertThat(page[0].status()).isEqualTo(200);
        String etag = page[0].header("ETag");
        both.same("revalidated", "GET", path, Caller.ANONYMOUS, null, null, "If-None-Match", etag);
        both.same("revalidated, weak, among others", "GET", path, Caller.ANONYMOUS, null, null, "If-None-Match", "\"x\", W/" + etag);
        both.same("other tag", "GET", path, Caller.ANONYMOUS, null, null, "If-None-Match", "\"other\"");
        both.same("If-Match", "GET", path, Caller.ANONYMOUS, null, null, "If-Match", "\"other\"");
        both.same("signed in", "GET", path, owner, null, null);
        both.same("unknown session", "GET", path, Caller.UNKNOWN_SESSION, null, null);
        both.same("private", "GET", "/api/communities/" + privateCommunity, Caller.ANONYMOUS, null, null);
        both.same("unknown", "GET", "/api/communities/" + UUID.randomUUID(), Caller.ANONYMOUS, null, null);
        both.same("accept HTML", "GET", path, Caller.ANONYMOUS, null, null, "Accept", "text/html");
        for (String spelling : spellings("/api/communities/", community.toString(), "")) {
            both.same(spelling, "GET", spelling, Caller.ANONYMOUS, null, null);
        }
        both.exhausted("perClient", "203.0.113.9", () -> {
            Answer[] limited = both.same("over the limit", "GET", path, Caller.ANONYMOUS, null, null,
                    "X-Forwarded-For", "203.0.113.9");
            assertThat(limited[0].status()).isEqualTo(429);
            both.same("private, over the limit", "GET", "/api/communities/" + privateCommunity, Caller.ANONYMOUS,
                    null, null, "X-Forwarded-For", "203.0.113.9");
        });
    }

    private static byte[] scan(String qr, String scanId) {
        return ("{\"qr\":" + JSON.valueToTree(qr) + ",\"scanId\":\"" + scanId + "\",\"gate\":\"North\"}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theDoor() {
        String path = "/api/events/" + event + "/checkins";
        String json = "application/json";
        Answer first = BothWays.send(fast.getLocalPort(), "POST", path, owner.fastToken(), json, scan(ticket, "s-1"));
        Answer replay = BothWays.send(slow.getLocalPort(), "POST", path, owner.slowToken(), json, scan(ticket, "s-1"));
        assertThat(first.body().get("result").asText()).isEqualTo("admitted");
        BothWays.alike("admitted, then its retry", first, replay, "replayed");
        Answer again = BothWays.send(fast.getLocalPort(), "POST", path, owner.fastToken(), json, scan(ticket, "s-2"));
        Answer againSlow = BothWays.send(slow.getLocalPort(), "POST", path, owner.slowToken(), json, scan(ticket, "s-3"));
        assertThat(again.body().get("result").asText()).isEqualTo("already_admitted");
        BothWays.alike("already admitted", again, againSlow, "scanId");
        both.same("retried on both", "POST", path, owner, json, scan(ticket, "s-2"));
        both.same("not a ticket", "POST", path, owner, json, scan("hello", "s-4"));
        both.same("scan id reused", "POST", path, owner, json, scan("hello", "s-1"));
        for (Caller refused : List.of(Caller.ANONYMOUS, Caller.UNKNOWN_SESSION, member, outsider, otherOwner)) {
            both.same("refused " + refused.id(), "POST", path, refused, json, scan(ticket, "r-" + refused.id()));
        }
        both.same("unknown event", "POST", "/api/events/" + UUID.randomUUID() + "/checkins", owner, json, scan(ticket, "s-5"));
        for (String body : List.of("{\"qr\":\"a\",\"scanId\":\"s\",\"gate\":\"g\",\"extra\":1}", "{\"qr\":\"a\",\"scanId\":\"s\"}",
                "{\"qr\":\"a\",\"scanId\":\"  \",\"gate\":\"g\"}", "{\"qr\":1,\"scanId\":\"s\",\"gate\":\"g\"}", "not json", "[]",
                "{\"qr\":\"" + "q".repeat(4097) + "\",\"scanId\":\"s\",\"gate\":\"g\"}", "")) {
            both.same("body " + body.substring(0, Math.min(40, body.length())), "POST", path, owner, json,
                    body.getBytes(StandardCharsets.UTF_8));
            both.same("member's body " + body.substring(0, Math.min(40, body.length())), "POST", path, member, json,
                    body.getBytes(StandardCharsets.UTF_8));
        }
        both.same("text body", "POST", path, owner, "text/plain", scan("hello", "s-6"));
        both.same("no content type", "POST", path, owner, null, scan("hello", "s-7"));
        both.same("JSON with charset", "POST", path, owner, "application/json; charset=utf-8", scan("hello", "s-8"));
        for (String spelling : spellings("/api/events/", event.toString(), "/checkins")) {
            both.same(spelling, "POST", spelling, owner, json, scan("hello", "s-9"));
        }
        both.exhausted("door", owner.id().toString(), () ->
                assertThat(both.same("over the limit", "POST", path, owner, json, scan("hello", "s-10"))[0].status())
                        .isEqualTo(429));
    }

    @Test
    void stripeWebhooks() {
        String path = "/api/webhooks/stripe";
        String id = StripeTestEvents.newEventId();
        String payload = StripeTestEvents.paymentIntentSucceeded(id);
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        String signature = StripeTestEvents.sign(payload, ApiTestApp.SECRET);
        String otherId = StripeTestEvents.newEventId();
        String other = StripeTestEvents.paymentIntentSucceeded(otherId);
        Answer stored = BothWays.send(fast.getLocalPort(), "POST", path, null, "application/json", bytes, "Stripe-Signature", signature);
        Answer storedSlow = BothWays.send(slow.getLocalPort(), "POST", path, null, "application/json",
                other.getBytes(StandardCharsets.UTF_8), "Stripe-Signature", StripeTestEvents.sign(other, ApiTestApp.SECRET));
        assertThat(stored.body().get("duplicate").asBoolean()).isFalse();
        BothWays.alike("stored", stored, storedSlow, "eventId");
        both.same("redelivered", "POST", path, Caller.ANONYMOUS, "application/json", bytes, "Stripe-Signature", signature);
        both.same("no signature", "POST", path, Caller.ANONYMOUS, "application/json", bytes);
        both.same("bad signature", "POST", path, Caller.ANONYMOUS, "application/json", bytes, "Stripe-Signature", "t=1,v1=00");
        both.same("other secret", "POST", path, Caller.ANONYMOUS, "application/json", bytes,
                "Stripe-Signature", StripeTestEvents.sign(payload, "whsec_else"));
        byte[] notJson = "not json".getBytes(StandardCharsets.UTF_8);
        both.same("signed, not JSON", "POST", path, Caller.ANONYMOUS, "text/plain", notJson,
                "Stripe-Signature", StripeTestEvents.sign("not json", ApiTestApp.SECRET));
        both.same("unknown session", "POST", path, Caller.UNKNOWN_SESSION, "application/json", bytes, "Stripe-Signature", signature);
        byte[] huge = new byte[(1 << 20) + 10];
        java.util.Arrays.fill(huge, (byte) ' ');
        both.same("over 1 MiB", "POST", path, Caller.ANONYMOUS, "application/json", huge, "Stripe-Signature", signature);
        for (String spelling : List.of(path + "/", path + ";x=1", "/api//webhooks/stripe", "/api/webhooks/./stripe", "/api/webhooks/Stripe")) {
            both.same(spelling, "POST", spelling, Caller.ANONYMOUS, "application/json", bytes, "Stripe-Signature", signature);
        }
    }
}
