package com.koomy.api.news;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.koomy.api.news.NewsCalls.news;
import static com.koomy.api.news.NewsCalls.post;
import static com.koomy.api.news.NewsCalls.titles;
import static org.assertj.core.api.Assertions.assertThat;

class NewsIntegrationTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db);

    private final ApiCalls api = new ApiCalls(() -> app.getLocalPort()).checkingContract();
    private final NewsCalls calls = new NewsCalls(api);

    private String stored(UUID post) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT title || '/' || status FROM news_posts WHERE id = :id")
                .bind("id", post).mapTo(String.class).findOne().orElse("none"));
    }

    @Test
    void adminsWriteAndPublishMembersReadPublishedPostsOnly() {
        User owner = api.user("Owner Flow");
        User admin = api.user("Admin Flow");
        User member = api.user("Member Flow");
        UUID club = api.community(owner, "Flow Club", "public", "open");
        calls.makeAdmin(club, owner, admin);
        calls.join(club, member);

        ApiReply created = api.call("POST", news(club), admin.token(), Map.of("title", "  Spring fair  ", "body", "**Bring** cake"));
        assertThat(created.status()).isEqualTo(201);
        JsonNode body = created.body();
        UUID id = UUID.fromString(body.get("id").asText());
        assertThat(body.get("title").asText()).isEqualTo("Spring fair");
        assertThat(body.get("body").asText()).isEqualTo("**Bring** cake");
        assertThat(body.get("status").asText()).isEqualTo("draft");
        assertThat(body.get("publishedAt").isNull()).isTrue();
        assertThat(body.get("authorId").asText()).isEqualTo(admin.id().toString());
        assertThat(body.get("authorName").asText()).isEqualTo("Admin Flow");
        assertThat(body.get("communityId").asText()).isEqualTo(club.toString());

        assertThat(api.get(post(club, id), member.token()).code()).isEqualTo("news_not_found");
        assertThat(titles(api.get(news(club), member.token()))).isEmpty();
        assertThat(titles(api.get(news(club) + "?status=draft", owner.token()))).containsExactly("Spring fair");

        ApiReply edited = api.call("PATCH", post(club, id), owner.token(), Map.of("title", "Spring fair 2027"));
        assertThat(edited.status()).isEqualTo(200);
        assertThat(edited.body().get("title").asText()).isEqualTo("Spring fair 2027");
        assertThat(edited.body().get("body").asText()).isEqualTo("**Bring** cake");

        ApiReply published = calls.publish(club, admin, id);
        assertThat(published.status()).isEqualTo(200);
        assertThat(published.body().get("status").asText()).isEqualTo("published");
        String publishedAt = published.body().get("publishedAt").asText();
        assertThat(calls.publish(club, owner, id).body().get("publishedAt").asText()).isEqualTo(publishedAt);
        ApiReply read = api.get(post(club, id), member.token());
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body().get("body").asText()).isEqualTo("**Bring** cake");
        ApiReply feed = api.get(news(club), member.token());
        assertThat(titles(feed)).containsExactly("Spring fair 2027");
        assertThat(feed.body().get("items").get(0).has("body")).isFalse();
        assertThat(feed.body().get("nextCursor").isNull()).isTrue();

        ApiReply unpublished = api.call("POST", post(club, id) + "/unpublish", admin.token(), null);
        assertThat(unpublished.body().get("status").asText()).isEqualTo("draft");
        assertThat(unpublished.body().get("publishedAt").isNull()).isTrue();
        assertThat(api.get(post(club, id), member.token()).status()).isEqualTo(404);
        assertThat(titles(api.get(news(club), member.token()))).isEmpty();

        assertThat(api.call("DELETE", post(club, id), admin.token(), null).status()).isEqualTo(204);
        assertThat(api.get(post(club, id), owner.token()).code()).isEqualTo("news_not_found");
        assertThat(api.call("DELETE", post(club, id), admin.token(), null).status()).isEqualTo(404);
    }

    @Test
    void requestsAreValidatedAndCannotSetWhatTheServerDecides() {
        User owner = api.user("Owner Valid");
        UUID club = api.community(owner, "Valid Club", "public", "open");
        UUID id = calls.create(club, owner, "Valid");

        Map<String, Object> sneaky = new HashMap<>(Map.of("title", "Sneaky", "status", "published"));
        ApiReply refused = api.call("POST", news(club), owner.token(), sneaky);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.code()).isEqualTo("unknown_field");
        assertThat(api.call("POST", news(club), owner.token(), Map.of("title", "X", "authorId", UUID.randomUUID().toString()))
                .code()).isEqualTo("unknown_field");
        assertThat(api.call("PATCH", post(club, id), owner.token(), Map.of("communityId", UUID.randomUUID().toString()))
                .code()).isEqualTo("unknown_field");
        assertThat(api.call("POST", news(club), owner.token(), Map.of("body", "no title")).status()).isEqualTo(400);
        assertThat(api.call("POST", news(club), owner.token(), Map.of("title", "   ")).status()).isEqualTo(400);
        assertThat(api.call("POST", news(club), owner.token(), Map.of("title", "a\nb")).status()).isEqualTo(400);
        assertThat(api.call("POST", news(club), owner.token(), Map.of("title", "t".repeat(201))).status()).isEqualTo(400);
        assertThat(api.call("POST", news(club), owner.token(), Map.of("title", "t", "body", "b".repeat(50_001))).status())
                .isEqualTo(400);
        assertThat(api.call("POST", news(club), owner.token(), Map.of("title", "t", "body", "nul\u0000")).status())
                .isEqualTo(400);
        assertThat(api.call("POST", news(club), owner.token(), Map.of("title", "t".repeat(200), "body", "b".repeat(50_000)))
                .status()).isEqualTo(201);
        assertThat(api.call("PATCH", post(club, id), owner.token(), Map.of("title", "")).status()).isEqualTo(400);
        assertThat(stored(id)).isEqualTo("Valid/draft");

        assertThat(api.get(news(club) + "?status=archived", owner.token()).code()).isEqualTo("invalid_status");
        assertThat(api.get(news(club) + "?limit=101", owner.token()).code()).isEqualTo("invalid_limit");
        assertThat(api.get(news(club) + "?cursor=bogus", owner.token()).code()).isEqualTo("invalid_cursor");
        String notATime = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("yesterday\u0000" + UUID.randomUUID()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(api.get(news(club) + "?cursor=" + notATime, owner.token()).code()).isEqualTo("invalid_cursor");
    }

    @Test
    void rolesDecideWhoWritesAndOutsidersSeeNothing() {
        User owner = api.user("Owner Roles");
        User member = api.user("Member Roles");
        User pending = api.user("Pending Roles");
        User outsider = api.user("Outsider Roles");
        UUID club = api.community(owner, "Roles Club", "public", "approval");
        calls.join(club, member);
        api.call("PATCH", "/api/communities/" + club + "/members/" + member.id(), owner.token(), Map.of("status", "active"));
        calls.join(club, pending);
        UUID id = calls.create(club, owner, "Roles news");
        calls.publish(club, owner, id);

        assertThat(api.call("POST", news(club), member.token(), Map.of("title", "Mine")).status()).isEqualTo(403);
        assertThat(api.call("PATCH", post(club, id), member.token(), Map.of("title", "Mine")).status()).isEqualTo(403);
        assertThat(api.call("POST", post(club, id) + "/unpublish", member.token(), null).status()).isEqualTo(403);
        assertThat(api.call("DELETE", post(club, id), member.token(), null).status()).isEqualTo(403);
        assertThat(api.get(news(club) + "?status=draft", member.token()).status()).isEqualTo(403);
        assertThat(api.get(news(club), member.token()).status()).isEqualTo(200);
        assertThat(api.get(news(club) + "?status=published", member.token()).status()).isEqualTo(200);

        // Public community, but news is for its (active) members only.
        for (User nobody : List.of(pending, outsider)) {
            assertThat(api.get(news(club), nobody.token()).code()).isEqualTo("community_not_found");
            assertThat(api.get(post(club, id), nobody.token()).code()).isEqualTo("community_not_found");
            assertThat(api.call("POST", news(club), nobody.token(), Map.of("title", "Mine")).status()).isEqualTo(404);
        }
        assertThat(api.get(news(club), null).status()).isEqualTo(401);
        assertThat(api.get(news(UUID.randomUUID()), owner.token()).code()).isEqualTo("community_not_found");
        assertThat(stored(id)).isEqualTo("Roles news/published");
    }

    @Test
    void theFeedPagesNewestFirstWithoutDuplicatesOrGaps() {
        User owner = api.user("Owner Feed");
        User member = api.user("Member Feed");
        UUID club = api.community(owner, "Feed Club", "private", "open");
        db.jdbi().useHandle(h -> h.execute("INSERT INTO memberships (community_id, account_id) VALUES (?, ?)", club, member.id()));
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 25; i++) {
            UUID id = calls.create(club, owner, "Post " + i);
            assertThat(calls.publish(club, owner, id).status()).isEqualTo(200);
            expected.add(0, "Post " + i);
        }
        calls.create(club, owner, "Unpublished draft");
        // Ties on published_at are broken by id: three posts published in the same instant, across pages 1 and 2.
        db.jdbi().useHandle(h -> h.execute("""
                UPDATE news_posts SET published_at = (SELECT published_at FROM news_posts WHERE title = 'Post 16')
                 WHERE title IN ('Post 15', 'Post 17')"""));
        List<String> tied = db.jdbi().withHandle(h -> h.createQuery(
                "SELECT title FROM news_posts WHERE title IN ('Post 15', 'Post 16', 'Post 17') ORDER BY id")
                .mapTo(String.class).list());
        int at = expected.indexOf("Post 17");
        for (int i = 0; i < 3; i++) {
            expected.set(at + i, tied.get(i));
        }

        List<String> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String cursor = null;
        do {
            ApiReply page = api.get(news(club) + "?limit=10" + (cursor == null ? "" : "&cursor=" + cursor), member.token());
            assertThat(page.status()).isEqualTo(200);
            sizes.add(page.body().get("items").size());
            seen.addAll(titles(page));
            cursor = page.body().get("nextCursor").isNull() ? null : page.body().get("nextCursor").asText();
        } while (cursor != null);

        assertThat(sizes).containsExactly(10, 10, 5);
        assertThat(seen).doesNotHaveDuplicates().isEqualTo(expected);
        assertThat(titles(api.get(news(club), member.token()))).hasSize(20);

        ApiReply drafts = api.get(news(club) + "?status=draft", owner.token());
        assertThat(titles(drafts)).containsExactly("Unpublished draft");
        assertThat(drafts.body().get("items").get(0).get("status").asText()).isEqualTo("draft");
    }

    @Test
    void anAdminOfOneCommunityCannotReachAnothersPosts() {
        User ownerA = api.user("Owner A");
        User ownerB = api.user("Owner B");
        UUID a = api.community(ownerA, "Club A", "public", "open");
        UUID b = api.community(ownerB, "Club B", "public", "open");
        calls.create(a, ownerA, "A's post");
        UUID published = calls.create(b, ownerB, "B published");
        calls.publish(b, ownerB, published);
        UUID draft = calls.create(b, ownerB, "B draft");

        for (UUID id : List.of(published, draft)) {
            assertThat(api.get(post(b, id), ownerA.token()).code()).isEqualTo("community_not_found");
            assertThat(api.get(post(a, id), ownerA.token()).code()).isEqualTo("news_not_found");
            assertThat(api.call("PATCH", post(a, id), ownerA.token(), Map.of("title", "Hijacked")).code())
                    .isEqualTo("news_not_found");
            assertThat(api.call("PATCH", post(b, id), ownerA.token(), Map.of("title", "Hijacked")).code())
                    .isEqualTo("community_not_found");
            assertThat(calls.publish(a, ownerA, id).code()).isEqualTo("news_not_found");
            assertThat(api.call("POST", post(a, id) + "/unpublish", ownerA.token(), null).code()).isEqualTo("news_not_found");
            assertThat(api.call("DELETE", post(a, id), ownerA.token(), null).code()).isEqualTo("news_not_found");
        }
        assertThat(api.get(news(b), ownerA.token()).status()).isEqualTo(404);
        assertThat(titles(api.get(news(a) + "?status=draft", ownerA.token()))).containsExactly("A's post");
        assertThat(titles(api.get(news(a), ownerA.token()))).isEmpty();
        assertThat(stored(published)).isEqualTo("B published/published");
        assertThat(stored(draft)).isEqualTo("B draft/draft");
    }
}
