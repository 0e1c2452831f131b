package com.koomy.email;

import com.koomy.newsletters.Newsletters;
import com.koomy.testing.TestDatabase;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The fan-out at a size where paging matters (25,000 members: five snapshot pages, each writing its
 * batches), killed twice mid-way (a trigger fails one page's transaction, as a worker dying before its
 * commit would leave it): in the second page and in the fourth. The job run again resumes from the
 * committed cursor, and every member is in exactly one batch. An audience given to
 * {@link Newsletters#enqueue} is cut by the fan-out pass instead (SendEmailJobTest).
 */
class FanOutNewsletterJobTest {

    private static final int MEMBERS = 25_000;

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static Jdbi jdbi;
    private static UUID community;

    @BeforeAll
    static void seed() {
        jdbi = db.jdbi();
        community = UUID.randomUUID();
        jdbi.useHandle(h -> {
            h.createUpdate("INSERT INTO communities (id, name, slug) VALUES (:id, 'Big Club', :slug)")
                    .bind("id", community).bind("slug", "big-club-" + community.toString().substring(0, 8)).execute();
            h.execute("""
                    INSERT INTO accounts (id, email, name, password_hash)
                    SELECT gen_random_uuid(), 'm' || lpad(i::text, 6, '0') || '@example.org', 'Member ' || i, 'x'
                      FROM generate_series(1, ?) i
                    """, MEMBERS);
            h.createUpdate("""
                    INSERT INTO memberships (community_id, account_id)
                    SELECT :c, id FROM accounts WHERE email LIKE 'm%@example.org'
                    """).bind("c", community).execute();
            // One unsubscribed and one bounced address: left out, counted as suppressed.
            h.createUpdate("INSERT INTO newsletter_unsubscribes (community_id, email) VALUES (:c, 'm000007@example.org')")
                    .bind("c", community).execute();
            h.execute("INSERT INTO email_suppressions (email, reason, scope) VALUES ('m000008@example.org', 'bounce', 'all')");
        });
    }

    @Test
    void aFanOutKilledInTheSnapshotAndInTheBatchesResumesWithEveryRecipientExactlyOnce() {
        UUID id = UUID.randomUUID();
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO newsletters (id, community_id, community_name, idempotency_key, locale, subject, body, status,
                                         segment, snapshot_done, queued_at)
                VALUES (:id, :c, 'Big Club', 'newsletter:' || :id, 'en', 'Hello', '**Hi**', 'queued', 'all', false, now())
                """).bind("id", id).bind("c", community).execute());
        FanOutNewsletterJob job = new FanOutNewsletterJob(jdbi);

        // Killed during the second snapshot page.
        jdbi.useHandle(h -> h.execute("""
                CREATE FUNCTION die_in_snapshot() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF (SELECT snapshot_after FROM newsletters WHERE id = NEW.newsletter_id) IS NOT NULL AND NEW.batch_no >= 5 THEN
                        RAISE EXCEPTION 'worker killed in the snapshot';
                    END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER die_in_snapshot BEFORE INSERT ON emails FOR EACH ROW EXECUTE FUNCTION die_in_snapshot();
                """));
        assertThatThrownBy(() -> job.run(new FanOutNewsletter(id))).hasMessageContaining("killed in the snapshot");
        // Exactly the first page is committed: its batches (the first two released) hold its members, but for those
        // it left out (of the two, in account-id order).
        assertThat(inBatches(id) + count("SELECT recipients_suppressed FROM newsletters WHERE id = '" + id + "'"))
                .isEqualTo(FanOutNewsletterJob.SNAPSHOT_PAGE);
        assertThat(count("SELECT count(*) FROM emails WHERE newsletter_id = '" + id + "'")).isEqualTo(5);
        assertThat(count("SELECT count(*) FROM emails WHERE newsletter_id = '" + id + "' AND NOT held")).isEqualTo(Newsletters.WINDOW);
        jdbi.useHandle(h -> h.execute("DROP TRIGGER die_in_snapshot ON emails"));

        // Killed while writing the fourth page's batches.
        jdbi.useHandle(h -> h.execute("""
                CREATE FUNCTION die_in_fanout() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.batch_no >= 17 THEN RAISE EXCEPTION 'worker killed in the fan-out'; END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER die_in_fanout BEFORE INSERT ON emails FOR EACH ROW EXECUTE FUNCTION die_in_fanout();
                """));
        assertThatThrownBy(() -> job.run(new FanOutNewsletter(id))).hasMessageContaining("killed in the fan-out");
        assertThat(inBatches(id) + count("SELECT recipients_suppressed FROM newsletters WHERE id = '" + id + "'"))
                .isEqualTo(3L * FanOutNewsletterJob.SNAPSHOT_PAGE);
        assertThat(count("SELECT count(*) FROM emails WHERE newsletter_id = '" + id + "'")).isEqualTo(15);
        jdbi.useHandle(h -> h.execute("DROP TRIGGER die_in_fanout ON emails"));

        job.run(new FanOutNewsletter(id));
        job.run(new FanOutNewsletter(id)); // a duplicate run changes nothing

        assertThat(count("SELECT count(*) FROM emails WHERE newsletter_id = '" + id + "'")).isEqualTo(25);
        assertThat(count("""
                SELECT count(*) FROM emails e, jsonb_array_elements(e.recipients) r WHERE e.newsletter_id = '%s'
                """.formatted(id))).isEqualTo(MEMBERS - 2);
        assertThat(count("""
                SELECT count(DISTINCT r ->> 'email') FROM emails e, jsonb_array_elements(e.recipients) r WHERE e.newsletter_id = '%s'
                """.formatted(id))).isEqualTo(MEMBERS - 2);
        assertThat(count("""
                SELECT count(*) FROM emails e, jsonb_array_elements(e.recipients) r
                 WHERE e.newsletter_id = '%s' AND r ->> 'email' IN ('m000007@example.org', 'm000008@example.org')
                """.formatted(id))).isZero();
        var row = jdbi.withHandle(h -> h.createQuery("""
                SELECT status, recipients_total, batches_total, recipients_suppressed FROM newsletters WHERE id = :id
                """).bind("id", id).mapToMap().one());
        assertThat(row).containsEntry("status", "sending").containsEntry("recipients_total", MEMBERS - 2)
                .containsEntry("batches_total", 25).containsEntry("recipients_suppressed", 2);
        // The window: two batches queued for delivery, the others held until one ends.
        assertThat(count("SELECT count(*) FROM emails WHERE newsletter_id = '" + id + "' AND NOT held")).isEqualTo(Newsletters.WINDOW);
    }

    /**
     * The deadlock a million-member send met: a fan-out page holds KEY SHARE on the newsletter's row (its new batches'
     * foreign keys) until it locks that row; a batch settling meanwhile locks the row too. With {@code FOR UPDATE} the
     * settling batch waited for the page and the page then waited for it; {@code FOR NO KEY UPDATE} does not wait.
     */
    @Test
    void aBatchSettlingWhileAFanOutPageIsOpenDoesNotWaitForIt() {
        UUID id = UUID.randomUUID();
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO newsletters (id, community_id, community_name, idempotency_key, locale, subject, body, status,
                                         segment, snapshot_done, queued_at)
                VALUES (:id, :c, 'Big Club', 'newsletter:' || :id, 'en', 'Hello', '**Hi**', 'sending', 'all', true, now())
                """).bind("id", id).bind("c", community).execute());
        UUID settled = batch(jdbi, id, 0);
        try (var page = jdbi.open(); var settling = jdbi.open()) {
            page.begin();
            batch(page, id, 1); // the page's batch: KEY SHARE on the newsletter's row until the page commits
            settling.begin();
            settling.execute("SET LOCAL lock_timeout = '2s'");
            Email email = settling.attach(EmailDao.class).lock(settled).orElseThrow();
            settling.createUpdate("UPDATE emails SET status = 'sent' WHERE id = :id").bind("id", settled).execute();
            Newsletters.afterBatch(settling, email); // FOR UPDATE: "canceling statement due to lock timeout"
            settling.commit();
            page.commit();
        }
        assertThat(count("SELECT count(*) FROM emails WHERE newsletter_id = '" + id + "'")).isEqualTo(2);
    }

    private static UUID batch(org.jdbi.v3.core.Handle h, UUID newsletter, int n) {
        UUID id = UUID.randomUUID();
        h.createUpdate("""
                INSERT INTO emails (id, idempotency_key, community_id, template, locale, recipients, variables, bulk,
                                    newsletter_id, batch_no, held)
                VALUES (:id, 'newsletter:' || :n || ':' || :b, :c, 'newsletter', 'en', '[{"email": "a@example.org"}]',
                        '{}', true, :n, :b, false)
                """).bind("id", id).bind("n", newsletter).bind("b", n).bind("c", community).execute();
        return id;
    }

    private static UUID batch(Jdbi jdbi, UUID newsletter, int n) {
        return jdbi.withHandle(h -> batch(h, newsletter, n));
    }

    private static long inBatches(UUID id) {
        return count("SELECT coalesce(sum(jsonb_array_length(recipients)), 0) FROM emails WHERE newsletter_id = '" + id + "'");
    }

    private static long count(String sql) {
        return jdbi.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }
}
