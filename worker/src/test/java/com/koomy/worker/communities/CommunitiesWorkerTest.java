package com.koomy.worker.communities;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.koomy.testing.TestStack;
import com.koomy.testing.StripeStub;
import com.koomy.worker.WorkerConfiguration;
import com.koomy.worker.WorkerTestApp;
import io.dropwizard.testing.ConfigOverride;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real worker (outbox relay, JobRunr, CommunitiesWorker): archiving a community with a plan stops the
 * subscription's renewal at Stripe, unarchiving renews it; the purge is a recurring job with a stable id.
 */
class CommunitiesWorkerTest {

    @RegisterExtension
    static TestStack<WorkerConfiguration> stack = WorkerTestApp.withStripe(
            ConfigOverride.config("stripe.apiKey", "sk_test_worker"));

    private List<LoggedRequest> cancels(String subscription) {
        return stack.stripe.requests("POST", "/v1/subscriptions/" + subscription);
    }

    @Test
    void thePlanStopsRenewingWhileTheCommunityIsArchived() {
        UUID community = UUID.randomUUID();
        String subscription = "sub_arch" + community.toString().replace("-", "").substring(0, 12);
        stack.stripe.server().stubFor(post(urlPathEqualTo("/v1/subscriptions/" + subscription)).willReturn(StripeStub.ok(
                StripeStub.subscription(subscription, "cus_arch", "price_club", "active", 2_000_000_000L, "in_1"))));
        stack.db.jdbi().useHandle(h -> {
            h.execute("INSERT INTO communities (id, name, slug, archived_at) VALUES (?, 'Club archivé', ?, now())",
                    community, "club-" + community);
            h.execute("INSERT INTO community_subscriptions (community_id, plan, stripe_customer_id, subscription_id, status) "
                    + "VALUES (?, 'club', ?, ?, 'active')", community, "cus_" + community, subscription);
            h.execute("INSERT INTO outbox (kind, ref) VALUES ('community-plan-sync', ?)", community + ":" + UUID.randomUUID());
        });

        await().atMost(Duration.ofSeconds(60)).until(() -> cancels(subscription).size() == 1);
        LoggedRequest archived = cancels(subscription).get(0);
        assertThat(archived.getBodyAsString()).isEqualTo("cancel_at_period_end=true");
        assertThat(archived.getHeader("Idempotency-Key")).startsWith("community-plan-archive:" + community + ":true:");

        stack.db.jdbi().useHandle(h -> {
            h.execute("UPDATE communities SET archived_at = NULL, updated_at = now() WHERE id = ?", community);
            h.execute("INSERT INTO outbox (kind, ref) VALUES ('community-plan-sync', ?)", community + ":" + UUID.randomUUID());
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> cancels(subscription).size() == 2);
        assertThat(cancels(subscription).stream().map(LoggedRequest::getBodyAsString))
                .containsExactlyInAnyOrder("cancel_at_period_end=true", "cancel_at_period_end=false");
    }

    /** The outbox row an archive writes reaches the worker's ExpireArchivedCheckouts: the open session is expired. */
    @Test
    void theCheckoutsStillOpenAtTheArchiveAreExpired() {
        UUID community = UUID.randomUUID();
        UUID account = UUID.randomUUID();
        UUID tier = UUID.randomUUID();
        String session = "cs_test_arch" + community.toString().replace("-", "").substring(0, 12);
        stack.stripe.server().stubFor(post(urlPathEqualTo("/v1/checkout/sessions/" + session + "/expire")).willReturn(StripeStub.ok(
                com.koomy.testing.StripeTestEvents.object("checkout.session").put("id", session).put("status", "expired"))));
        stack.db.jdbi().useHandle(h -> {
            h.execute("INSERT INTO communities (id, name, slug) VALUES (?, 'Club archivé en cours', ?)", community, "club-" + community);
            h.execute("INSERT INTO accounts (id, email, name, password_hash) VALUES (?, ?, 'Payeur', 'x')", account,
                    "payeur-" + account + "@example.org");
            h.execute("INSERT INTO dues_tiers (id, community_id, name, amount, currency, period) VALUES (?, ?, 'Cotisation', 2500, 'eur', 'yearly')",
                    tier, community);
            h.execute("INSERT INTO dues_checkouts (id, community_id, account_id, tier_id, stripe_account, amount, currency, "
                    + "application_fee, session_id) VALUES (?, ?, ?, ?, 'acct_arch', 2500, 'eur', 75, ?)",
                    UUID.randomUUID(), community, account, tier, session);
            h.execute("UPDATE communities SET archived_at = now() WHERE id = ?", community);
            h.execute("INSERT INTO outbox (kind, ref) VALUES ('community-checkouts-expire', ?)", community + ":" + UUID.randomUUID());
        });

        await().atMost(Duration.ofSeconds(60)).until(() -> stack.stripe.requests("POST", "/v1/checkout/sessions/" + session + "/expire")
                .size() == 1);
        assertThat(stack.stripe.requests("POST", "/v1/checkout/sessions/" + session + "/expire").get(0).getHeader("Stripe-Account"))
                .isEqualTo("acct_arch");
    }

    @Test
    void thePurgeIsARecurringJobWithAStableId() {
        List<String> ids = stack.db.jdbi().withHandle(h -> h.createQuery(
                "SELECT trim(id) FROM jobrunr.jobrunr_recurring_jobs ORDER BY 1").mapTo(String.class).list());
        assertThat(ids).contains("community-purge");
    }
}
