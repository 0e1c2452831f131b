package com.koomy.api.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceCommunity;
import com.koomy.api.ResourceTests;
import com.koomy.api.events.ResourceEvents.Route;
import com.koomy.content.ContentDraftDao;
import com.koomy.memberships.Membership;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static com.koomy.api.ResourceTests.assertFields;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link EventDraftsResource} alone, as {@link EventsRoutes} registers it, with an OpenAI key (the API only stores the
 * draft and its outbox row; the worker writes it): requests checked and queued, drafts read back, who may do either.
 */
class EventDraftsResourceTest {

    @RegisterExtension
    static ResourceTests api = ResourceEvents.registered(EventDraftsResource.class, services -> { })
            .with(c -> c.getOpenai().setApiKey("sk-test-not-a-real-key"));

    private static String drafts(ResourceCommunity club) {
        return "/api/communities/" + club.id() + "/events/drafts";
    }

    private static ApiReply ask(ResourceCommunity club, Object body) {
        return api.as(club.owner()).post(drafts(club), body);
    }

    private static UUID draftId(ApiReply accepted) {
        assertThat(accepted.status()).as("%s", accepted.body()).isEqualTo(202);
        return UUID.fromString(accepted.body().get("draftId").asText());
    }

    /** kind/language/status/brief of the stored draft, and its outbox rows. */
    private static String stored(UUID draft) {
        return api.jdbi().withHandle(h -> h.createQuery("SELECT kind || '/' || language || '/' || status || '/' || brief "
                + "|| '/' || (SELECT count(*) FROM outbox WHERE kind = 'content_draft' AND ref = d.id::text) "
                + "FROM content_drafts d WHERE id = :id").bind("id", draft).mapTo(String.class).findOne().orElse("none"));
    }

    @Test
    void aRequestIsQueued202InTheCommunitysLanguageUnlessOneIsAsked() {
        ResourceCommunity club = ResourceCommunity.create(api, "Draft club");
        api.jdbi().useHandle(h -> h.execute("UPDATE communities SET locale = 'fr' WHERE id = ?", club.id()));

        ApiReply accepted = ask(club, Map.of("brief", "  Spring fair on 12 April  "));

        UUID draft = draftId(accepted);
        assertThat(accepted.body().get("status").asText()).isEqualTo("queued");
        assertThat(accepted.body().size()).isEqualTo(2);
        assertThat(stored(draft)).isEqualTo("event/fr/queued/Spring fair on 12 April/1");
        UUID english = draftId(api.as(club.admin("Admin")).post(drafts(club), Map.of("brief", "In English", "language", "en")));
        assertThat(stored(english)).isEqualTo("event/en/queued/In English/1");
        assertThat(stored(draftId(ask(club, Map.of("brief", "b".repeat(2000)))))).startsWith("event/fr/queued/bbb");
    }

    @Test
    void aDraftIsReadAsStoredOnlyThroughItsCommunityAndAsAnEventDraft() {
        ResourceCommunity club = ResourceCommunity.create(api, "Reading club");
        UUID draft = draftId(ask(club, Map.of("brief", "Picnic", "language", "en")));
        String path = drafts(club) + "/" + draft;

        JsonNode queued = api.as(club.owner()).get(path).body();
        assertThat(queued.get("draftId").asText()).isEqualTo(draft.toString());
        assertThat(queued.get("status").asText()).isEqualTo("queued");
        assertThat(queued.get("language").asText()).isEqualTo("en");
        assertThat(Instant.parse(queued.get("createdAt").asText())).isBefore(Instant.now().plusSeconds(1));
        for (String none : new String[] {"resultText", "model", "usage", "error", "finishedAt"}) {
            assertThat(queued.get(none).isNull()).as(none).isTrue();
        }

        String untrusted = "# Picnic\n<script>alert(1)</script>";
        api.jdbi().useHandle(h -> h.createUpdate("UPDATE content_drafts SET status = 'done', result_text = :text, "
                + "model = 'gpt-test', prompt_tokens = 10, completion_tokens = 20, total_tokens = 30, finished_at = now() "
                + "WHERE id = :id").bind("text", untrusted).bind("id", draft).execute());
        JsonNode done = api.as(club.owner()).get(path).body();
        assertThat(done.get("status").asText()).isEqualTo("done");
        assertThat(done.get("resultText").asText()).isEqualTo(untrusted);
        assertThat(done.get("model").asText()).isEqualTo("gpt-test");
        assertThat(done.get("usage").get("promptTokens").asInt()).isEqualTo(10);
        assertThat(done.get("usage").get("completionTokens").asInt()).isEqualTo(20);
        assertThat(done.get("usage").get("totalTokens").asInt()).isEqualTo(30);
        assertThat(done.get("finishedAt").asText()).isNotBlank();

        UUID news = UUID.randomUUID();
        api.jdbi().useExtension(ContentDraftDao.class, dao -> dao.insert(news, club.id(), "news", "en", "A news post"));
        api.as(club.owner()).get(drafts(club) + "/" + news).assertError(404, "draft_not_found");
        api.as(club.owner()).get(drafts(club) + "/" + UUID.randomUUID()).assertError(404, "draft_not_found");
        ResourceCommunity other = ResourceCommunity.create(api, "Other club");
        api.as(other.owner()).get(drafts(other) + "/" + draft).assertError(404, "draft_not_found");
    }

    @Test
    void badBriefsLanguagesAndBodiesAre400NamingTheFieldAndStoreNothing() {
        ResourceCommunity club = ResourceCommunity.create(api, "Strict draft club");
        long drafts = api.count("content_drafts");
        long outbox = api.count("outbox");
        Map<String, Object> extra = new HashMap<>(Map.of("brief", "Fair", "model", "gpt-5"));

        assertFields(ask(club, Map.of("language", "en")), "validation_failed", "brief");
        assertFields(ask(club, Map.of("brief", 12)), "validation_failed", "brief");
        assertFields(ask(club, Map.of("brief", "   ")), "invalid_brief", "brief");
        assertFields(ask(club, Map.of("brief", "b".repeat(2001))), "invalid_brief", "brief");
        assertFields(ask(club, Map.of("brief", "Fair", "language", "de")), "invalid_language", "language");
        assertFields(ask(club, Map.of("brief", "Fair", "language", "EN")), "invalid_language", "language");
        assertFields(ask(club, extra), "unknown_field", "model");
        api.as(club.owner()).send("POST", drafts(club), "null").assertError(400, "validation_failed");
        api.as(club.owner()).send("POST", drafts(club), "{\"brief\": ").assertError(400, "invalid_json");

        assertThat(api.count("content_drafts")).isEqualTo(drafts);
        assertThat(api.count("outbox")).isEqualTo(outbox);
    }

    @Test
    void thePlansMonthlyDraftsAndTheDailyAiBudgetRefuseWithNothingStored() {
        ResourceCommunity full = ResourceCommunity.create(api, "Busy club");
        api.jdbi().useExtension(ContentDraftDao.class, dao -> {
            for (int i = 0; i < 20; i++) { // the free plan's aiDraftsPerMonth (config/api.yml)
                dao.insert(UUID.randomUUID(), full.id(), i % 2 == 0 ? "news" : "event", "en", "Draft " + i);
            }
        });
        ResourceCommunity spent = ResourceCommunity.create(api, "Spent club");
        api.jdbi().useHandle(h -> h.execute("INSERT INTO content_budget_usage (community_id, day, requests, tokens) "
                + "VALUES (?, CAST(now() AT TIME ZONE 'UTC' AS date), 50, 0)", spent.id()));
        long drafts = api.count("content_drafts");

        ask(full, Map.of("brief", "One more")).assertError(402, "plan_limit_reached");
        ask(spent, Map.of("brief", "Over budget")).assertError(429, "ai_budget_exhausted");

        assertThat(api.count("content_drafts")).isEqualTo(drafts);
    }

    @Test
    void onlyTheCommunitysActiveOwnersAndAdminsAskForAndReadDrafts() {
        ResourceCommunity club = ResourceCommunity.create(api, "Guarded draft club");
        UUID draft = draftId(ask(club, Map.of("brief", "Guarded")));
        long drafts = api.count("content_drafts");

        ResourceEvents.assertGuarded(api, club.id(), club.owner(), club.member("Member"), "community_not_found",
                new Route("POST", "/api/communities/%s/events/drafts", Map.of("brief", "Mine")),
                new Route("GET", "/api/communities/%s/events/drafts/" + draft, null));
        ApiCalls.User pending = club.member("Pending admin", Membership.ADMIN, Membership.PENDING);
        api.as(pending).post(drafts(club), Map.of("brief", "Mine")).assertError(404, "community_not_found");
        api.as(pending).get(drafts(club) + "/" + draft).assertError(404, "community_not_found");

        assertThat(api.count("content_drafts")).isEqualTo(drafts);
        assertThat(api.as(club.admin("Admin")).get(drafts(club) + "/" + draft).body().get("status").asText())
                .isEqualTo("queued");
    }
}
