package com.koomy.newsletters;

import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class NewsletterBatchDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private final NewsletterBatchDao dao = db.jdbi().onDemand(NewsletterBatchDao.class);
    private final NewsletterFixture rows = new NewsletterFixture(db.jdbi());

    /** Batch emails of the newsletter, in batch order, each {@code status:held}. */
    private List<UUID> batches(UUID newsletter, String... states) {
        return Arrays.stream(states).map(state -> {
            UUID id = UUID.randomUUID();
            String[] s = state.split(":");
            rows.sql("INSERT INTO emails (id, idempotency_key, template, locale, recipients, bulk, newsletter_id, batch_no, "
                            + "held, status, lease_until) SELECT ?, ?, 'newsletter', 'fr', '[]', true, ?, "
                            + "(SELECT count(*) FROM emails WHERE newsletter_id = ?), ?, ?, CASE WHEN ? THEN now() END",
                    id, "k-" + id, newsletter, newsletter, Boolean.parseBoolean(s[1]), s[0], s.length > 2);
            return id;
        }).toList();
    }

    @Test
    void aKeyIsQueuedOnceAndRecipientsAreAddedOnce() {
        UUID id = rows.queued("weekly:1").orElseThrow();

        assertThat(rows.queued("weekly:1")).isEmpty();
        assertThat(dao.byKey("weekly:1")).isEqualTo(id);
        dao.addRecipients(id, List.of("a@x.org", "b@x.org"), Arrays.asList("A", null));
        dao.addRecipients(id, List.of("a@x.org"), List.of("A again"));
        long recipients = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM newsletter_recipients WHERE newsletter_id = :id")
                .bind("id", id).mapTo(Long.class).one());
        assertThat(recipients).isEqualTo(2);
        assertThat(dao.lock(id)).contains(id);
    }

    @Test
    void releaseUnholdsTheLowestBatchesUntilTheWindowIsInFlight() {
        UUID id = rows.queued("n:1").orElseThrow();
        List<UUID> emails = batches(id, "sent:false", "queued:false", "sending:false:leased", "sending:false", "queued:true",
                "queued:true", "queued:true");
        UUID other = rows.queued("n:2").orElseThrow();
        List<UUID> others = batches(other, "queued:true");

        assertThat(dao.release(id, 2)).isEmpty();
        assertThat(dao.release(id, 4)).as("the two lowest held batches").containsExactlyInAnyOrder(emails.get(4), emails.get(5));
        assertThat(dao.release(id, 4)).isEmpty();
        assertThat(dao.release(other, 1)).containsExactly(others.get(0));
    }

    @Test
    void aNewsletterIsSentOnceFannedOutWithNoBatchLeftInFlight() {
        UUID done = rows.queued("d").orElseThrow();
        UUID busy = rows.queued("b").orElseThrow();
        UUID notFannedOut = rows.queued("f").orElseThrow();
        batches(done, "sent:false", "failed:false");
        batches(busy, "sent:false", "queued:true");
        rows.sql("UPDATE newsletters SET status = 'sending', fanned_out_at = now() WHERE id IN (?, ?)", done, busy);
        rows.sql("UPDATE newsletters SET status = 'sending' WHERE id = ?", notFannedOut);

        for (UUID id : List.of(done, busy, notFannedOut)) {
            dao.markSentIfDone(id);
        }

        assertThat(status(done)).isEqualTo("sent");
        assertThat(status(busy)).isEqualTo("sending");
        assertThat(status(notFannedOut)).isEqualTo("sending");
    }

    private String status(UUID id) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT status FROM newsletters WHERE id = :id").bind("id", id)
                .mapTo(String.class).one());
    }
}
