package com.koomy.api.payments;

import com.koomy.api.ApiCalls;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.config.PaymentsFactory;
import com.koomy.testing.ApiReply;
import com.koomy.testing.StripeStub;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stripe calls made on a user's behalf cannot use up the platform's shared Stripe budget: an open Checkout
 * session is handed out again instead of a new one, each community and each account has its own limit of
 * calls, and a request never waits more than about 2 s for the shared limiter (503 stripe_busy instead).
 */
class StripeCallLimitsTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();
    @RegisterExtension
    static StripeStub stripe = new StripeStub();
    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.withRateLimits(db, PaymentsWorld.stripeConfig(stripe,
            ConfigOverride.config("stripe.maxLimitWait", "2s"),
            ConfigOverride.config("rateLimits.policies.register.requests", "1000"),
            ConfigOverride.config("rateLimits.policies.register.period", "10 minutes"),
            ConfigOverride.config("rateLimits.policies.login.requests", "1000"),
            ConfigOverride.config("rateLimits.policies.login.period", "1 minute"),
            ConfigOverride.config("rateLimits.policies.loginEmail.requests", "1000"),
            ConfigOverride.config("rateLimits.policies.loginEmail.period", "1 minute"),
            ConfigOverride.config("rateLimits.policies.stripePerAccount.requests", "3"),
            ConfigOverride.config("rateLimits.policies.stripePerAccount.period", "1 hour"),
            ConfigOverride.config("rateLimits.policies.stripePerCommunity.requests", "6"),
            ConfigOverride.config("rateLimits.policies.stripePerCommunity.period", "1 hour")));

    private final PaymentsWorld world = new PaymentsWorld(app::getLocalPort, stripe, db, new PaymentsFactory());

    private ApiReply checkout(PaymentsWorld.Club club, ApiCalls.User member) {
        return world.api.call("POST", "/api/communities/" + club.id() + "/dues/checkout", member.token(),
                Map.of("tierId", club.tierId().toString()));
    }

    private ApiCalls.User member(PaymentsWorld.Club club, String name) {
        ApiCalls.User member = world.api.user(name);
        assertThat(world.api.call("POST", "/api/communities/" + club.id() + "/join", member.token(), null).status()).isEqualTo(201);
        return member;
    }

    private long sessionsCreatedFor(UUID checkoutId) {
        return stripe.requests("POST", "/v1/checkout/sessions").stream()
                .filter(r -> ("dues-checkout:" + checkoutId).equals(r.getHeader("Idempotency-Key"))).count();
    }

    @Test
    void anOpenCheckoutSessionIsHandedOutAgainWithOneStripeCall() throws Exception {
        PaymentsWorld.Club club = world.club("Reuse Club", "acct_reuse" + UUID.randomUUID().toString().substring(0, 8), "yearly");
        ApiCalls.User member = member(club, "Reuse Member");

        ApiReply first = checkout(club, member);
        ApiReply second = checkout(club, member);
        assertThat(first.status()).as(first.body().toString()).isEqualTo(201);
        assertThat(second.status()).as(second.body().toString()).isEqualTo(201);
        assertThat(second.body().get("sessionId").asText()).isEqualTo(first.body().get("sessionId").asText());
        assertThat(second.body().get("url").asText()).isEqualTo(first.body().get("url").asText());
        UUID checkoutId = UUID.fromString(first.body().get("checkoutId").asText());
        assertThat(second.body().get("checkoutId").asText()).isEqualTo(checkoutId.toString());
        assertThat(sessionsCreatedFor(checkoutId)).isEqualTo(1);
        assertThat(world.count("SELECT count(*) FROM dues_checkouts WHERE account_id = ?", member.id())).isEqualTo(1);

        // Expired (made more than 50 minutes ago): a new session.
        world.jdbi.useHandle(h -> h.execute("UPDATE dues_checkouts SET created_at = now() - interval '51 minutes' WHERE id = ?",
                checkoutId));
        ApiReply later = checkout(club, member);
        assertThat(later.status()).isEqualTo(201);
        assertThat(later.body().get("checkoutId").asText()).isNotEqualTo(checkoutId.toString());
    }

    @Test
    void aTenantOverItsLimitGets429WhileAnotherTenantGoesThrough() throws Exception {
        // Its owner's onboarding made two calls (account, link) of the community's six.
        PaymentsWorld.Club busy = world.club("Busy Club", "acct_busy" + UUID.randomUUID().toString().substring(0, 8), "yearly");
        for (int i = 1; i <= 4; i++) {
            assertThat(checkout(busy, member(busy, "Busy Member " + i)).status()).isEqualTo(201);
        }
        ApiReply refused = checkout(busy, member(busy, "Busy Member 5"));
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.code()).isEqualTo("rate_limited");
        assertThat(refused.header("Retry-After")).isPresent();

        // One account: the owner's third onboarding link is its third call, the fourth is over its three.
        PaymentsWorld.Club calm = world.club("Calm Club", "acct_calm" + UUID.randomUUID().toString().substring(0, 8), "yearly");
        assertThat(world.api.call("POST", "/api/communities/" + calm.id() + "/stripe/connect", calm.owner().token(), null)
                .status()).isEqualTo(200);
        assertThat(world.api.call("POST", "/api/communities/" + calm.id() + "/stripe/connect", calm.owner().token(), null)
                .code()).isEqualTo("rate_limited");
        // The other tenant's members are not affected by either.
        assertThat(checkout(calm, member(calm, "Calm Member")).status()).isEqualTo(201);
    }

    @Test
    void aSaturatedSharedLimiterAnswers503StripeBusyWithinAboutTwoSeconds() throws Exception {
        PaymentsWorld.Club club = world.club("Saturated Club", "acct_sat" + UUID.randomUUID().toString().substring(0, 8), "yearly");
        ApiCalls.User member = member(club, "Saturated Member");
        // Other processes use every slot of every second: the shared counter (this app's key, a hash of Redis's
        // current second and its count) is kept full by a noisy neighbour until the call is answered.
        String counter = app.getConfiguration().getRedis().keys().providerLimit("stripe") + ":all";
        // In the last 2 ms of a second it already fills the next one, so the gateway's retry at the start of a
        // second never finds an empty counter (a first attempt landing in those 2 ms would: 0.2 %).
        String fill = "local t = redis.call('TIME') local s = tonumber(t[1]) if tonumber(t[2]) > 998000 then s = s + 1 end "
                + "redis.call('HSET', KEYS[1], 's', tostring(s), 'n', 1000000) redis.call('EXPIRE', KEYS[1], 5)";
        PaymentsWorld.REDIS.eval(fill, java.util.List.of(counter), java.util.List.of());
        java.util.concurrent.atomic.AtomicBoolean noisy = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread neighbour = new Thread(() -> {
            while (noisy.get()) {
                PaymentsWorld.REDIS.eval(fill, java.util.List.of(counter), java.util.List.of());
            }
        });
        neighbour.start();
        try {
            long start = System.nanoTime();
            ApiReply busy = checkout(club, member);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(busy.status()).as(busy.body().toString()).isEqualTo(503);
            assertThat(busy.code()).isEqualTo("stripe_busy");
            assertThat(busy.header("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 2L));
            assertThat(millis).isLessThan(3_000);
            assertThat(world.count("SELECT count(*) FROM dues_checkouts WHERE account_id = ?", member.id())).isZero();
        } finally {
            noisy.set(false);
            neighbour.join();
            PaymentsWorld.REDIS.del(counter);
        }
        assertThat(checkout(club, member).status()).isEqualTo(201);
    }
}
