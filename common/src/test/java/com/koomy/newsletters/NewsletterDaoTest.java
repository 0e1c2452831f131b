package com.koomy.newsletters;

import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class NewsletterDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private final NewsletterDao dao = db.jdbi().onDemand(NewsletterDao.class);
    private final NewsletterFixture club = new NewsletterFixture(db.jdbi());
    private final NewsletterFixture other = new NewsletterFixture(db.jdbi());

    @Test
    void pagesTheCommunitysNewslettersNewestFirstAndFindsNoneOfAnotherCommunity() {
        UUID first = club.draft("First");
        UUID second = club.draft("Second");
        UUID third = club.draft("Third");
        UUID elsewhere = other.draft("Elsewhere");

        List<NewsletterView> page = dao.page(club.community, 2, null, null);
        NewsletterView last = page.get(1);

        assertThat(page).extracting(NewsletterView::id).containsExactly(third, second);
        assertThat(dao.page(club.community, 10, Timestamp.from(last.createdAt()), last.id())).extracting(NewsletterView::id)
                .containsExactly(first);
        assertThat(dao.find(club.community, elsewhere)).isEmpty();
        assertThat(dao.lock(club.community, elsewhere)).isEmpty();
        assertThat(dao.lock(other.community, elsewhere)).contains(elsewhere);
        assertThat(dao.find(club.community, first).orElseThrow().locale()).as("the community's locale").isEqualTo("en");
    }

    @Test
    void aDraftChangesThenIsQueuedWithTheCommunitysNameOfThatTimeThenCancelled() {
        UUID id = club.draft("Draft");
        Instant at = Instant.parse("2030-01-01T09:00:00Z");

        dao.updateDraft(new NewsletterDao.DraftChange(id, null, "new body", "fr", "admins", null));
        club.sql("UPDATE communities SET name = 'Renamed' WHERE id = ?", club.community);
        dao.queue(club.community, id, "scheduled", Timestamp.from(at));

        NewsletterView queued = dao.find(club.community, id).orElseThrow();
        assertThat(queued.subject()).isEqualTo("Draft");
        assertThat(queued.body()).isEqualTo("new body");
        assertThat(queued.locale()).isEqualTo("fr");
        assertThat(queued.segment()).isEqualTo("admins");
        assertThat(queued.status()).isEqualTo("scheduled");
        assertThat(queued.sendAt()).isEqualTo(at);
        assertThat(name(id)).isEqualTo("Renamed");
        dao.cancel(id);
        assertThat(dao.find(club.community, id).orElseThrow().cancelledAt()).isNotNull();
    }

    @Test
    void theAudienceIsTheSegmentsActiveMembersNeitherSuppressedNorUnsubscribed() {
        LocalDate today = LocalDate.now();
        club.member("paid@x.org", "active", today);
        UUID overdue = club.member("overdue@x.org", "active", today.minusDays(1));
        club.member("never@x.org", "active", null);
        UUID expired = club.member("expired@x.org", "expired", today.plusDays(30));
        club.member("bounced@x.org", "active", today.plusDays(30));
        club.member("left@x.org", "active", null);
        other.member("other@x.org", "active", today);
        club.sql("INSERT INTO email_suppressions (email, reason, scope) VALUES ('bounced@x.org', 'bounce', 'all')");
        club.sql("INSERT INTO newsletter_unsubscribes (community_id, email) VALUES (?, 'left@x.org'), (?, 'paid@x.org')",
                club.community, other.community);
        club.sql("UPDATE memberships SET role = 'admin' WHERE account_id IN (?, ?)", overdue, expired);

        assertThat(dao.audience(club.community, "all", null)).isEqualTo(3);
        assertThat(dao.audience(club.community, "dues_paid", null)).isEqualTo(1);
        assertThat(dao.audience(club.community, "dues_overdue", null)).isEqualTo(2);
        assertThat(dao.audience(club.community, "admins", null)).isEqualTo(1);
    }

    @Test
    void theViewCountsSettledBatchesAndTheNewslettersOwnUnsubscriptions() {
        UUID id = club.draft("Stats");
        UUID otherNewsletter = club.draft("Other");
        for (String status : new String[] {"sent", "failed", "queued"}) {
            club.sql("INSERT INTO emails (id, idempotency_key, template, locale, recipients, newsletter_id, status) "
                    + "VALUES (gen_random_uuid(), gen_random_uuid()::text, 'newsletter', 'fr', '[]', ?, ?)", id, status);
        }
        club.sql("INSERT INTO newsletter_unsubscribes (community_id, email, newsletter_id) VALUES (?, 'a@x.org', ?), (?, 'b@x.org', ?)",
                club.community, id, club.community, otherNewsletter);

        NewsletterView.Stats stats = dao.find(club.community, id).orElseThrow().stats();

        assertThat(stats.batchesDone()).isEqualTo(2);
        assertThat(stats.unsubscribed()).isEqualTo(1);
        assertThat(stats.bounced()).isZero();
    }

    private String name(UUID newsletter) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT community_name FROM newsletters WHERE id = :id")
                .bind("id", newsletter).mapTo(String.class).one());
    }
}
