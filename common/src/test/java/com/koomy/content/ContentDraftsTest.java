package com.koomy.content;

import com.koomy.config.OpenAiFactory;
import com.koomy.errors.ApiException;
import com.koomy.testing.TestDatabase;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContentDraftsTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static Jdbi jdbi;
    private static ContentDrafts drafts;

    @BeforeAll
    static void setUp() {
        jdbi = db.jdbi();
        OpenAiFactory config = new OpenAiFactory();
        config.setApiKey("sk-test-koomy-not-a-real-key");
        drafts = new ContentDrafts(config);
    }

    private static long count(String sql, UUID community) {
        return jdbi.withHandle(h -> h.createQuery(sql).bind("c", community).mapTo(Long.class).one());
    }

    private static long draftsOf(UUID community) {
        return count("SELECT count(*) FROM content_drafts WHERE community_id = :c", community);
    }

    @Test
    void aRequestStoresAQueuedDraftAndItsOutboxRowTogether() {
        UUID community = UUID.randomUUID();

        UUID id = jdbi.inTransaction(h -> drafts.request(h, community, "news", "  Nouveau bureau élu  ", "fr"));

        ContentDraft draft = jdbi.withExtension(ContentDraftDao.class, dao -> dao.find(id)).orElseThrow();
        assertThat(draft.communityId()).isEqualTo(community);
        assertThat(draft.kind()).isEqualTo(ContentDraft.Kind.news);
        assertThat(draft.language()).isEqualTo(ContentDraft.Language.fr);
        assertThat(draft.brief()).isEqualTo("Nouveau bureau élu");
        assertThat(draft.status()).isEqualTo(ContentDraftStatus.queued);
        assertThat(draft.attempts()).isZero();
        List<String> outbox = jdbi.withHandle(h -> h.createQuery("SELECT ref FROM outbox WHERE kind = 'content_draft'")
                .mapTo(String.class).list());
        assertThat(outbox).contains(id.toString());
    }

    @Test
    void aRolledBackCallerTransactionLeavesNoDraftAndNoOutboxRow() {
        UUID community = UUID.randomUUID();

        assertThatThrownBy(() -> jdbi.useTransaction(h -> {
            drafts.request(h, community, "event", "Fête de la musique", "fr");
            throw new IllegalStateException("caller failed after requesting");
        })).hasMessage("caller failed after requesting");

        assertThat(draftsOf(community)).isZero();
    }

    @Test
    void invalidRequestsAreRefusedWithTheirReasonAndWriteNothing() {
        UUID community = UUID.randomUUID();
        record Case(String kind, String brief, String language, String reason) {
        }
        List<Case> cases = List.of(
                new Case("poem", "A brief", "en", "invalid_kind"),
                new Case(null, "A brief", "en", "invalid_kind"),
                new Case("news", "A brief", "de", "invalid_language"),
                new Case("news", "A brief", "FR", "invalid_language"),
                new Case("news", "   \n ", "en", "invalid_brief"),
                new Case("news", null, "en", "invalid_brief"),
                new Case("news", "x".repeat(2001), "en", "invalid_brief"));
        for (Case c : cases) {
            assertThatThrownBy(() -> jdbi.useTransaction(h -> drafts.request(h, community, c.kind(), c.brief(), c.language())))
                    .as("%s", c)
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(c.reason()));
        }
        assertThat(draftsOf(community)).isZero();
    }

    @Test
    void aBriefOfExactly2000CharactersIsAccepted() {
        UUID community = UUID.randomUUID();
        // 2000 code points, 4000 UTF-16 units: the limit counts characters as PostgreSQL does.
        String brief = "🎉".repeat(2000);

        jdbi.useTransaction(h -> drafts.request(h, community, "event", brief, "en"));

        assertThat(draftsOf(community)).isEqualTo(1);
    }
}
