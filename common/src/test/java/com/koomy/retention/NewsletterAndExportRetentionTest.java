package com.koomy.retention;

import com.koomy.newsletters.CommunityNewsletters;
import com.koomy.newsletters.NewsletterView;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audience lists of newsletters sent a year ago go and the newsletters' figures read the same; "export my
 * data" rows go with their archive a week after their last step, a pending one stays.
 */
class NewsletterAndExportRetentionTest {

    @RegisterExtension
    static RetentionFixture f = new RetentionFixture();

    @BeforeAll
    static void setUp() {
        f.jdbi.useHandle(h -> h.execute("INSERT INTO memberships (community_id, account_id, role, status) "
                + "VALUES (?, ?, 'owner', 'active')", f.community, f.account));
    }

    private static Jdbi jdbi() {
        return f.jdbi;
    }

    /** A newsletter in {@code status} since {@code daysAgo}, with {@code recipients} addresses in its audience list. */
    private static UUID newsletter(Handle h, String status, int daysAgo, int recipients) {
        UUID id = UUID.randomUUID();
        h.execute("""
                INSERT INTO newsletters (id, community_id, idempotency_key, locale, subject, body, status, recipients_total,
                                         batches_total, recipients_suppressed, created_at, fanned_out_at, sent_at, cancelled_at)
                VALUES (?, ?, ?, 'fr', 'News', 'Hello', ?, ?, 1, 2, now() - make_interval(days => ? + 1),
                        now() - make_interval(days => ?), CASE WHEN ? = 'sent' THEN now() - make_interval(days => ?) END,
                        CASE WHEN ? = 'cancelled' THEN now() - make_interval(days => ?) END)
                """, id, f.community, "nl-" + id, status, recipients, daysAgo, daysAgo, status, daysAgo, status, daysAgo);
        h.execute("INSERT INTO newsletter_recipients (newsletter_id, email, name) "
                + "SELECT ?, 'r' || i || '@example.org', 'R ' || i FROM generate_series(1, ?) i", id, recipients);
        h.execute("INSERT INTO emails (id, idempotency_key, template, locale, recipients, bulk, newsletter_id, batch_no, status, suppressed) "
                + "VALUES (?, ?, 'newsletter', 'fr', '[]', true, ?, 0, 'sent', '[{\"email\": \"x@example.org\"}]')",
                UUID.randomUUID(), "nl-batch-" + id, id);
        h.execute("""
                INSERT INTO sendgrid_events (sg_event_id, event, email, koomy_key, occurred_at, payload, received_at)
                VALUES (?, 'bounce', 'r1@example.org', ?, now(), '{}', now())
                """, "sg-" + id, "newsletter:" + id + ":0");
        return id;
    }

    private static long recipients(UUID newsletter) {
        return f.count("SELECT count(*) FROM newsletter_recipients WHERE newsletter_id = '" + newsletter + "'");
    }

    @Test
    void theAudienceListOfANewsletterSentAYearAgoGoesAndItsFiguresReadTheSame() throws InterruptedException {
        UUID[] ids = jdbi().inTransaction(h -> new UUID[]{
                newsletter(h, "sent", 400, 20), newsletter(h, "cancelled", 400, 3), newsletter(h, "sent", 300, 15),
                newsletter(h, "sending", 400, 9)});
        CommunityNewsletters newsletters = new CommunityNewsletters(jdbi(), null, null, true, Clock.systemUTC());
        NewsletterView.Stats before = newsletters.get(f.community, f.account, ids[0]).stats();

        assertThat(f.apply(RetentionFamily.NEWSLETTER_RECIPIENTS)).isEqualTo(23);

        assertThat(recipients(ids[0])).isZero();
        assertThat(recipients(ids[1])).isZero();
        assertThat(recipients(ids[2])).as("sent 300 days ago").isEqualTo(15);
        assertThat(recipients(ids[3])).as("still sending").isEqualTo(9);
        NewsletterView.Stats after = newsletters.get(f.community, f.account, ids[0]).stats();
        assertThat(after).isEqualTo(before);
        assertThat(after.recipients()).isEqualTo(20);
        assertThat(after.bounced()).isEqualTo(1);
        assertThat(f.apply(RetentionFamily.NEWSLETTER_RECIPIENTS)).as("idempotent").isZero();
    }

    private static void export(Handle h, String key, String status, int daysAgo) {
        h.execute("""
                INSERT INTO account_exports (id, account_id, status, archive, requested_at, ready_at, downloaded_at)
                VALUES (?, ?, ?, CASE WHEN ? = 'ready' THEN jsonb_build_object('key', ?) END, now() - make_interval(days => ? + 1),
                        CASE WHEN ? <> 'pending' THEN now() - make_interval(days => ?) END,
                        CASE WHEN ? = 'downloaded' THEN now() - make_interval(days => ?) END)
                """, UUID.randomUUID(), f.account, status, status, key, daysAgo, status, daysAgo, status, daysAgo);
    }

    @Test
    void accountExportsGoWithTheirArchiveAWeekAfterTheirLastStepAndAPendingOneStays() throws InterruptedException {
        jdbi().useHandle(h -> {
            for (int i = 0; i < 10; i++) {
                export(h, "old-" + i, i % 3 == 0 ? "ready" : i % 3 == 1 ? "downloaded" : "expired", 8);
            }
            export(h, "young-ready", "ready", 2);
            export(h, "young-downloaded", "downloaded", 6);
            export(h, "old-pending", "pending", 30);
        });

        assertThat(f.apply(RetentionFamily.ACCOUNT_EXPORTS)).isEqualTo(10);

        assertThat(f.strings("SELECT status FROM account_exports ORDER BY status")).containsExactly("downloaded", "pending", "ready");
        assertThat(f.strings("SELECT archive ->> 'key' FROM account_exports WHERE archive IS NOT NULL")).containsExactly("young-ready");
    }
}
