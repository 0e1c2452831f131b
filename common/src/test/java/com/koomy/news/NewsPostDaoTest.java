package com.koomy.news;

import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class NewsPostDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private final NewsPostDao dao = db.jdbi().onDemand(NewsPostDao.class);
    private final UUID club = UUID.randomUUID();
    private final UUID other = UUID.randomUUID();
    private final UUID author = UUID.randomUUID();

    NewsPostDaoTest() {
        db.jdbi().useHandle(h -> {
            h.execute("INSERT INTO accounts (id, email, name, password_hash) VALUES (?, ?, 'Ann', 'x')", author, author + "@example.org");
            h.execute("INSERT INTO communities (id, name, slug) VALUES (?, 'Club', ?), (?, 'Other', ?)", club, "c-" + club, other, "c-" + other);
        });
    }

    private UUID post(UUID community, String title) {
        UUID id = UUID.randomUUID();
        dao.insert(id, community, author, title, "body");
        return id;
    }

    @Test
    void everyWriteNamesTheCommunityAndPublishingHappensFromDraftOnly() {
        UUID id = post(club, "Hello");

        assertThat(dao.update(other, id, "Hijacked", null)).isFalse();
        assertThat(dao.update(club, id, null, "new body")).isTrue();
        assertThat(dao.publish(other, id)).isFalse();
        assertThat(dao.publish(club, id)).isTrue();
        NewsPost published = dao.find(club, id).orElseThrow();
        assertThat(dao.publish(club, id)).as("published already: its time stays").isFalse();
        assertThat(dao.unpublish(other, id)).isFalse();
        assertThat(dao.find(other, id)).isEmpty();

        assertThat(published.title()).isEqualTo("Hello");
        assertThat(published.body()).isEqualTo("new body");
        assertThat(published.authorName()).isEqualTo("Ann");
        assertThat(dao.find(club, id).orElseThrow().publishedAt()).isEqualTo(published.publishedAt()).isNotNull();
        assertThat(dao.unpublish(club, id)).isTrue();
        assertThat(dao.unpublish(club, id)).isFalse();
        assertThat(dao.find(club, id).orElseThrow().publishedAt()).isNull();
        assertThat(dao.delete(other, id)).isFalse();
        assertThat(dao.delete(club, id)).isTrue();
    }

    @Test
    void theFeedAndTheDraftsPageNewestFirstWithTheIdBreakingTies() {
        UUID old = post(club, "Old");
        List<UUID> tied = Stream.of(post(club, "A"), post(club, "B")).sorted(Comparator.comparing(UUID::toString)).toList();
        UUID draft1 = post(club, "Draft 1");
        UUID draft2 = post(club, "Draft 2");
        dao.publish(club, post(other, "Elsewhere"));
        Stream.concat(Stream.of(old), tied.stream()).forEach(id -> dao.publish(club, id));
        db.jdbi().useHandle(h -> {
            h.execute("UPDATE news_posts SET published_at = now() - interval '1 day' WHERE id = ?", old);
            h.execute("UPDATE news_posts SET published_at = '2026-06-01T00:00:00Z' WHERE id = ANY(?)", (Object) tied.toArray(UUID[]::new));
            h.execute("UPDATE news_posts SET created_at = now() - interval '1 hour' WHERE id = ?", draft1);
        });

        List<NewsSummary> first = dao.published(club, null, null, 2);
        NewsSummary last = first.get(1);

        assertThat(first).extracting(NewsSummary::id).containsExactly(old, tied.get(0));
        assertThat(dao.published(club, last.publishedAt().toString(), last.id(), 10)).extracting(NewsSummary::id)
                .containsExactly(tied.get(1));
        List<NewsSummary> drafts = dao.drafts(club, null, null, 1);
        assertThat(drafts).extracting(NewsSummary::id).containsExactly(draft2);
        assertThat(dao.drafts(club, drafts.get(0).createdAt().toString(), draft2, 10)).extracting(NewsSummary::id)
                .containsExactly(draft1);
    }
}
