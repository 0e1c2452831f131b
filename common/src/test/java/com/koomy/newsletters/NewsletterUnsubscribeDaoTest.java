package com.koomy.newsletters;

import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class NewsletterUnsubscribeDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private final NewsletterUnsubscribeDao dao = db.jdbi().onDemand(NewsletterUnsubscribeDao.class);

    @Test
    void anUnsubscriptionIsPerCommunityAndKeepsOnlyANewsletterThatExists() {
        NewsletterFixture club = new NewsletterFixture(db.jdbi());
        NewsletterFixture other = new NewsletterFixture(db.jdbi());
        UUID ann = club.member("ann@x.org", "active", null);
        UUID bob = club.member("bob@x.org", "active", null);
        UUID newsletter = club.draft("Hello");

        dao.unsubscribeByLink(club.community, "ANN@x.org", newsletter);
        dao.unsubscribeByLink(club.community, "ann@x.org", null);
        dao.unsubscribeByLink(other.community, "bob@x.org", UUID.randomUUID());

        assertThat(dao.subscribed(club.community, ann)).contains(false);
        assertThat(dao.subscribed(club.community, bob)).contains(true);
        assertThat(dao.subscribed(other.community, ann)).isEmpty();
        assertThat(dao.memberEmail(club.community, bob)).contains("bob@x.org");
        assertThat(dao.memberEmail(other.community, bob)).isEmpty();
        assertThat(newsletterOf(club.community, "ann@x.org")).isEqualTo(newsletter.toString());
        assertThat(newsletterOf(other.community, "bob@x.org")).isEqualTo("none");

        dao.resubscribe(other.community, "ann@x.org");
        assertThat(dao.subscribed(club.community, ann)).contains(false);
        dao.resubscribe(club.community, "ann@x.org");
        dao.unsubscribe(club.community, "bob@x.org");
        dao.unsubscribe(club.community, "bob@x.org");
        assertThat(dao.subscribed(club.community, ann)).contains(true);
        assertThat(dao.subscribed(club.community, bob)).contains(false);
    }

    private String newsletterOf(UUID community, String email) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT coalesce(CAST(newsletter_id AS text), 'none') FROM newsletter_unsubscribes WHERE community_id = :c AND email = :e")
                .bind("c", community).bind("e", email).mapTo(String.class).one());
    }
}
