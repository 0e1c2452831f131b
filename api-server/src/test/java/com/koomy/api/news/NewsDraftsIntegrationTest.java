package com.koomy.api.news;

import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.api.ratelimit.RateLimited;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** AI drafts with an OpenAI key configured: the API only stores the draft and its outbox row. */
class NewsDraftsIntegrationTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db,
            ConfigOverride.config("openai.apiKey", "sk-test-not-a-real-key"));

    private final ApiCalls api = new ApiCalls(() -> app.getLocalPort());

    private static String drafts(UUID community) {
        return "/api/communities/" + community + "/news/drafts";
    }

    private ApiReply ask(UUID community, User caller, Map<String, String> body) {
        return api.call("POST", drafts(community), caller.token(), body);
    }

    private UUID asked(UUID community, User caller, String brief) {
        ApiReply reply = ask(community, caller, Map.of("brief", brief));
        assertThat(reply.status()).isEqualTo(202);
        return UUID.fromString(reply.body().get("draftId").asText());
    }

    private String draftRow(UUID draft) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT kind || '/' || language || '/' || status FROM content_drafts WHERE id = :id")
                .bind("id", draft).mapTo(String.class).findOne().orElse("none"));
    }

    private long outboxRows(UUID draft) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM outbox WHERE kind = 'content_draft' AND ref = :ref")
                .bind("ref", draft.toString()).mapTo(Long.class).one());
    }

    @Test
    void theRequestIsRefusedWhenThePlatformsDailyBudgetIsUsedUpWhateverTheCommunitysBudget() {
        User owner = api.user("Owner Platform Budget");
        UUID club = api.community(owner, "Platform Budget Club", "public", "open");
        String today = "CAST(now() AT TIME ZONE 'UTC' AS date)";
        // Other communities used the platform's 2,000 requests of today (the default); this one used none.
        db.jdbi().useHandle(h -> h.createUpdate("INSERT INTO content_budget_usage (community_id, day, requests, tokens) "
                + "VALUES (:p, " + today + ", 2000, 0) ON CONFLICT (community_id, day) DO UPDATE SET requests = 2000")
                .bind("p", new UUID(0, 0)).execute());
        try {
            ApiReply refused = ask(club, owner, Map.of("brief", "Over the platform's budget"));
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.code()).isEqualTo("ai_platform_budget_exhausted");
            assertThat((long) db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM content_drafts WHERE community_id = :c")
                    .bind("c", club).mapTo(Long.class).one())).isZero();
        } finally {
            db.jdbi().useHandle(h -> h.createUpdate("DELETE FROM content_budget_usage WHERE community_id = :p")
                    .bind("p", new UUID(0, 0)).execute());
        }
        assertThat(ask(club, owner, Map.of("brief", "Room again")).status()).isEqualTo(202);
    }

    @Test
    void anAdminAsksForADraftAndPollsIt() {
        User owner = api.user("Owner Drafts");
        UUID club = api.community(owner, "Drafts Club", "public", "open");

        ApiReply accepted = ask(club, owner, Map.of("brief", "Announce the spring fair on 12 April"));
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.body().get("status").asText()).isEqualTo("queued");
        UUID draft = UUID.fromString(accepted.body().get("draftId").asText());
        assertThat(draftRow(draft)).isEqualTo("news/fr/queued");
        assertThat(outboxRows(draft)).isEqualTo(1);
        UUID english = UUID.fromString(ask(club, owner, Map.of("brief", "In English", "language", "en")).body()
                .get("draftId").asText());
        assertThat(draftRow(english)).isEqualTo("news/en/queued");

        ApiReply queued = api.get(drafts(club) + "/" + draft, owner.token());
        assertThat(queued.status()).isEqualTo(200);
        assertThat(queued.body().get("status").asText()).isEqualTo("queued");
        assertThat(queued.body().get("resultText").isNull()).isTrue();
        assertThat(queued.body().get("usage").isNull()).isTrue();

        String untrusted = "# Fair\n<script>alert(1)</script> [x](javascript:alert(1))";
        db.jdbi().useHandle(h -> h.createUpdate("""
                        UPDATE content_drafts SET status = 'done', result_text = :text, model = 'gpt-test',
                               prompt_tokens = 10, completion_tokens = 20, total_tokens = 30, finished_at = now()
                         WHERE id = :id""")
                .bind("text", untrusted).bind("id", draft).execute());
        ApiReply done = api.get(drafts(club) + "/" + draft, owner.token());
        assertThat(done.body().get("status").asText()).isEqualTo("done");
        assertThat(done.body().get("resultText").isTextual()).isTrue();
        assertThat(done.body().get("resultText").asText()).isEqualTo(untrusted);
        assertThat(done.body().get("model").asText()).isEqualTo("gpt-test");
        assertThat(done.body().get("usage").get("totalTokens").asInt()).isEqualTo(30);
    }

    @Test
    void badRequestsAndPlainMembersAreRefusedWithNothingStored() {
        User owner = api.user("Owner Refused");
        User member = api.user("Member Refused");
        User outsider = api.user("Outsider Refused");
        UUID club = api.community(owner, "Refused Club", "public", "open");
        api.call("POST", "/api/communities/" + club + "/join", member.token(), null);

        assertThat(ask(club, member, Map.of("brief", "Mine")).status()).isEqualTo(403);
        assertThat(ask(club, outsider, Map.of("brief", "Mine")).code()).isEqualTo("community_not_found");
        assertThat(ask(club, owner, Map.of("brief", "   ")).code()).isEqualTo("invalid_brief");
        assertThat(ask(club, owner, Map.of("brief", "b".repeat(2001))).status()).isEqualTo(400);
        assertThat(ask(club, owner, Map.of("brief", "Hello", "language", "de")).code()).isEqualTo("invalid_language");
        assertThat(ask(club, owner, Map.of("brief", "Hello", "kind", "event")).code()).isEqualTo("unknown_field");
        assertThat(api.call("POST", drafts(club), null, Map.of("brief", "Hello")).status()).isEqualTo(401);
        long stored = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM content_drafts WHERE community_id = :c")
                .bind("c", club).mapTo(Long.class).one());
        assertThat(stored).isZero();

        UUID draft = asked(club, owner, "Fine");
        assertThat(api.get(drafts(club) + "/" + draft, member.token()).status()).isEqualTo(403);
        assertThat(api.get(drafts(club) + "/" + draft, outsider.token()).status()).isEqualTo(404);
    }

    @Test
    void aDraftIsOnlyFoundThroughItsOwnCommunity() {
        User ownerA = api.user("Owner Draft A");
        User ownerB = api.user("Owner Draft B");
        UUID a = api.community(ownerA, "Draft Club A", "public", "open");
        UUID b = api.community(ownerB, "Draft Club B", "public", "open");
        UUID draftOfB = asked(b, ownerB, "B's secret plans");
        UUID eventOfA = UUID.randomUUID();
        db.jdbi().useHandle(h -> h.execute(
                "INSERT INTO content_drafts (id, community_id, kind, language, brief) VALUES (?, ?, 'event', 'en', 'An event')",
                eventOfA, a));

        assertThat(api.get(drafts(a) + "/" + draftOfB, ownerA.token()).code()).isEqualTo("draft_not_found");
        assertThat(api.get(drafts(b) + "/" + draftOfB, ownerA.token()).code()).isEqualTo("community_not_found");
        assertThat(api.get(drafts(a) + "/" + eventOfA, ownerA.token()).code()).isEqualTo("draft_not_found");
        assertThat(api.get(drafts(a) + "/" + UUID.randomUUID(), ownerA.token()).code()).isEqualTo("draft_not_found");
        assertThat(ask(b, ownerA, Map.of("brief", "Into B")).status()).isEqualTo(404);
        assertThat(api.get(drafts(b) + "/" + draftOfB, ownerB.token()).status()).isEqualTo(200);
    }

    @Test
    void theDraftRouteCountsAgainstTheAiDraftsPolicy() throws NoSuchMethodException {
        RateLimited limited = NewsDraftsResource.class.getMethod("request", UUID.class,
                NewsDraftsResource.DraftRequest.class, jakarta.ws.rs.core.SecurityContext.class).getAnnotation(RateLimited.class);
        assertThat(limited).isNotNull();
        assertThat(limited.value()).isEqualTo("aiDrafts");
    }
}
