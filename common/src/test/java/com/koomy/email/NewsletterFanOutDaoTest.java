package com.koomy.email;

import com.koomy.newsletters.NewsletterBatchDao;
import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class NewsletterFanOutDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private final NewsletterFanOutDao dao = db.jdbi().onDemand(NewsletterFanOutDao.class);
    private final UUID community = UUID.randomUUID();
    private final UUID newsletter;

    NewsletterFanOutDaoTest() {
        sql("INSERT INTO communities (id, name, slug) VALUES (?, 'Club', ?)", community, "c-" + community);
        newsletter = db.jdbi().withExtension(NewsletterBatchDao.class, d -> d.insert(new NewsletterBatchDao.Queued(
                UUID.randomUUID(), community, "Club", "n:" + community, "fr", "Subject", "Body"))).orElseThrow();
    }

    private void sql(String statement, Object... args) {
        db.jdbi().useHandle(h -> h.execute(statement, args));
    }

    /** A member whose account id is {@code n} (so that pages by account id are known). */
    private UUID member(int n, String email, String status) {
        UUID id = new UUID(0, n);
        sql("INSERT INTO accounts (id, email, name, password_hash) VALUES (?, ?, ?, 'x')", id, email, "N" + n);
        sql("INSERT INTO memberships (community_id, account_id, status) VALUES (?, ?, ?)", community, id, status);
        return id;
    }

    private List<String> batches() {
        return db.jdbi().withHandle(h -> h.createQuery("""
                        SELECT batch_no || ' ' || held || ' ' || idempotency_key || ' ' || recipients FROM emails
                         WHERE newsletter_id = :id ORDER BY batch_no""").bind("id", newsletter).mapTo(String.class).list());
    }

    @Test
    void aSnapshotPageBatchesTheSegmentsMembersAfterTheCursorLeavingTheSuppressedOut() {
        member(1, "d@x.org", "active");
        member(2, "a@x.org", "active");
        member(3, "bounced@x.org", "active");
        member(4, "b@x.org", "expired");
        UUID last = member(5, "c@x.org", "active");
        member(6, "next@x.org", "active");
        sql("INSERT INTO email_suppressions (email, reason, scope) VALUES ('bounced@x.org', 'bounce', 'all')");
        NewsletterFanOutDao.SnapshotPage page = new NewsletterFanOutDao.SnapshotPage(newsletter, community, new UUID(0, 0),
                "all", null, 4, 2, 1, "newsletter", "fr", "{}");

        NewsletterFanOutDao.SnapshotResult result = dao.snapshotPage(page);
        NewsletterFanOutDao.SnapshotResult again = dao.snapshotPage(page);

        assertThat(result).isEqualTo(new NewsletterFanOutDao.SnapshotResult(4, 3, last, 2, 2));
        assertThat(again.stored()).as("a page run twice stores its batches once").isZero();
        String key = "newsletter:" + newsletter + ":";
        assertThat(batches()).containsExactly(
                "1 true " + key + "1 [{\"name\": \"N2\", \"email\": \"a@x.org\"}, {\"name\": \"N5\", \"email\": \"c@x.org\"}]",
                "2 true " + key + "2 [{\"name\": \"N1\", \"email\": \"d@x.org\"}]");
        assertThat(dao.snapshotPage(new NewsletterFanOutDao.SnapshotPage(newsletter, community, last, "all", null, 4, 2, 3,
                "newsletter", "fr", "{}"))).isEqualTo(new NewsletterFanOutDao.SnapshotResult(1, 1, new UUID(0, 6), 1, 1));
    }

    @Test
    void aFanOutPageBatchesTheRecipientsAfterTheLastAddressLeavingTheUnsubscribedOut() {
        db.jdbi().useExtension(NewsletterBatchDao.class, d -> d.addRecipients(newsletter,
                List.of("a@x.org", "b@x.org", "c@x.org", "d@x.org", "e@x.org"), java.util.Arrays.asList(null, null, null, null, null)));
        sql("INSERT INTO newsletter_unsubscribes (community_id, email) VALUES (?, 'b@x.org')", community);

        NewsletterFanOutDao.FanOutResult result = dao.fanOutPage(new NewsletterFanOutDao.FanOutPage(newsletter, community,
                "a@x.org", 2, 3, 1, "newsletter", "fr", "{}"));

        assertThat(result).isEqualTo(new NewsletterFanOutDao.FanOutResult(2, 3, "e@x.org", 2));
        assertThat(batches()).extracting(b -> b.substring(b.indexOf('['))).containsExactly(
                "[{\"email\": \"c@x.org\"}, {\"email\": \"d@x.org\"}]", "[{\"email\": \"e@x.org\"}]");
    }

    @Test
    void progressIsRecordedAndFannedOutIsSentOnlyWhenNoBatchIsInFlight() {
        dao.snapshotMoved(newsletter, new UUID(0, 9), false, 2, 2, 7, 1);
        FanOutProgress moved = dao.find(newsletter).orElseThrow();
        dao.fanOutMoved(newsletter, "z@x.org", 3, 4);
        assertThat(dao.batchesTotal(newsletter)).isEqualTo(3);
        sql("INSERT INTO emails (id, idempotency_key, template, locale, recipients, newsletter_id, status) "
                + "VALUES (gen_random_uuid(), 'b1', 'newsletter', 'fr', '[]', ?, 'queued')", newsletter);

        dao.markFannedOut(newsletter);
        String inFlight = state();
        sql("UPDATE emails SET status = 'sent' WHERE newsletter_id = ?", newsletter);
        dao.markFannedOut(newsletter);

        assertThat(moved.status()).isEqualTo("sending");
        assertThat(moved.snapshotAfter()).isEqualTo(new UUID(0, 9));
        assertThat(moved.batchedInSnapshot()).isTrue();
        assertThat(inFlight).isEqualTo("sending 11 false");
        assertThat(state()).isEqualTo("sent 11 true");
        dao.markQueued(newsletter);
        assertThat(dao.lock(newsletter).orElseThrow().status()).isEqualTo("queued");
    }

    private String state() {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT status || ' ' || recipients_total || ' ' || (sent_at IS NOT NULL) FROM newsletters WHERE id = :id")
                .bind("id", newsletter).mapTo(String.class).one());
    }
}
