package com.koomy.retention;

import com.koomy.newsletters.CommunityNewsletters;
import com.koomy.newsletters.NewsletterView;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SendGrid events older than the policy are folded into per-email counters by the statement that deletes them:
 * the counters equal the events they replaced, and a newsletter's statistics read the same before and after.
 */
class SendGridRetentionTest {

    @RegisterExtension
    static RetentionFixture f = new RetentionFixture();

    private static Jdbi jdbi() {
        return f.jdbi;
    }

    @Test
    void sendGridEventsAreCountedPerEmailBeforeTheyGoAndTheCountersEqualTheEventsReplaced() throws InterruptedException {
        jdbi().useHandle(h -> {
            // 40 old events over 3 messages (and some without a key), 5 recent ones.
            String[] events = {"delivered", "open", "click", "bounce"};
            for (int i = 0; i < 40; i++) {
                String key = i % 5 == 4 ? null : "newsletter:n1:" + (i % 3);
                h.execute("""
                        INSERT INTO sendgrid_events (sg_event_id, event, email, koomy_key, occurred_at, payload, received_at)
                        VALUES (?, ?, 'a@example.org', ?, now() - make_interval(days => 40 + ?), '{}', now() - make_interval(days => 31))
                        """, "sg_old_" + i, events[i % events.length], key, i);
            }
            for (int i = 0; i < 5; i++) {
                h.execute("""
                        INSERT INTO sendgrid_events (sg_event_id, event, email, koomy_key, occurred_at, payload, received_at)
                        VALUES (?, 'open', 'a@example.org', 'newsletter:n1:0', now() - interval '1 day', '{}', now() - interval '1 day')
                        """, "sg_new_" + i);
            }
            // An old event behind a suppression stays: a group resubscribe compares its group and time with it.
            h.execute("""
                    INSERT INTO sendgrid_events (sg_event_id, event, email, koomy_key, occurred_at, payload, received_at)
                    VALUES ('sg_old_suppression', 'group_unsubscribe', 'b@example.org', 'k', now() - interval '60 days',
                            '{"asm_group_id": 7}', now() - interval '60 days')
                    """);
            h.execute("INSERT INTO email_suppressions (email, reason, scope, sg_event_id) "
                    + "VALUES ('b@example.org', 'group_unsubscribe', 'bulk', 'sg_old_suppression')");
        });
        String perKeyAndEvent = """
                SELECT coalesce(koomy_key, '') || '/' || event || '=' || count(*) FROM sendgrid_events
                 WHERE sg_event_id LIKE 'sg_old_%' AND sg_event_id <> 'sg_old_suppression' GROUP BY koomy_key, event ORDER BY 1
                """;
        List<String> before = f.strings(perKeyAndEvent);

        assertThat(f.apply(RetentionFamily.SENDGRID_EVENTS)).isEqualTo(40);
        assertThat(f.apply(RetentionFamily.SENDGRID_EVENTS)).as("idempotent").isZero();

        String mine = " FROM sendgrid_event_counts WHERE koomy_key = '' OR koomy_key LIKE 'newsletter:n1:%'";
        assertThat(f.strings("SELECT koomy_key || '/' || event || '=' || events" + mine + " ORDER BY 1"))
                .isEqualTo(before).hasSizeGreaterThan(12);
        assertThat(f.count("SELECT sum(events)" + mine)).isEqualTo(40);
        assertThat(f.strings("SELECT sg_event_id FROM sendgrid_events WHERE sg_event_id NOT LIKE 'sg_nl_%' ORDER BY 1"))
                .containsExactly("sg_new_0", "sg_new_1", "sg_new_2", "sg_new_3", "sg_new_4", "sg_old_suppression");
        // first/last: the oldest and newest occurrence folded into each counter.
        assertThat(f.count("SELECT count(*) FROM sendgrid_event_counts WHERE first_at > last_at")).isZero();
    }

    @Test
    void aNewslettersBouncesAndUnsubscribesCountTheSameAfterItsEventsWereFoldedIntoCounters() throws InterruptedException {
        UUID newsletter = UUID.randomUUID();
        jdbi().useHandle(h -> {
            h.execute("INSERT INTO memberships (community_id, account_id, role, status) VALUES (?, ?, 'owner', 'active') "
                    + "ON CONFLICT DO NOTHING", f.community, f.account);
            h.execute("INSERT INTO newsletters (id, community_id, idempotency_key, locale, subject, body, status) "
                    + "VALUES (?, ?, ?, 'fr', 'News', 'Hello', 'sent')", newsletter, f.community, "nl-" + newsletter);
            String[] events = {"bounce", "bounce", "dropped", "unsubscribe", "group_unsubscribe", "open", "open"};
            for (int i = 0; i < events.length; i++) {
                // Half of them old (counted and deleted by retention), half recent (still rows).
                h.execute("""
                        INSERT INTO sendgrid_events (sg_event_id, event, email, koomy_key, occurred_at, payload, received_at)
                        VALUES (?, ?, 'c@example.org', ?, now() - make_interval(days => ?), '{}', now() - make_interval(days => ?))
                        """, "sg_nl_" + i, events[i], "newsletter:" + newsletter + ":" + (i % 2), i % 2 == 0 ? 40 : 1, i % 2 == 0 ? 40 : 1);
            }
        });
        CommunityNewsletters newsletters = new CommunityNewsletters(jdbi(), null, null, true, Clock.systemUTC());
        NewsletterView.Stats before = newsletters.get(f.community, f.account, newsletter).stats();

        f.apply(RetentionFamily.SENDGRID_EVENTS);

        assertThat(f.count("SELECT count(*) FROM sendgrid_events WHERE sg_event_id LIKE 'sg_nl_%'")).isEqualTo(3);
        assertThat(newsletters.get(f.community, f.account, newsletter).stats()).isEqualTo(before);
        assertThat(before.bounced()).isEqualTo(3);
        assertThat(before.unsubscribed()).isEqualTo(2);
    }
}
