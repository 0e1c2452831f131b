package com.koomy.retention;

import com.koomy.email.EmailDao;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The families of rows that hold personal data past their use, each with its default: addresses and variables of
 * settled emails (a year, once the bodies are gone; the row and its counts stay), checkouts never paid (90 days),
 * decided membership requests (a year), spent invitations (90 days); and the AI budget's past days (90 days). For
 * each: rows a day outside the window go, rows a day inside stay, and rows of another state stay whatever their age.
 */
class PersonalRecordsRetentionTest {

    @RegisterExtension
    static RetentionFixture f = new RetentionFixture();

    /** A checkout made {@code daysAgo} for the fixture's tier; its name is its Stripe session id. */
    private static UUID checkout(Handle h, String name, int daysAgo) {
        UUID id = UUID.randomUUID();
        h.execute("INSERT INTO dues_checkouts (id, community_id, account_id, tier_id, stripe_account, amount, currency, "
                + "application_fee, session_id, created_at) VALUES (?, ?, ?, ?, 'acct_1', 3000, 'eur', 0, ?, "
                + "now() - make_interval(days => ?))", id, f.community, f.account, f.tier(), name, daysAgo);
        return id;
    }

    private static void stripeEventNaming(Handle h, UUID checkout, String status) {
        h.execute("INSERT INTO stripe_events (event_id, type, livemode, stripe_created, payload, received_at, status) "
                + "VALUES (?, 'checkout.session.completed', false, now() - interval '95 days', "
                + "jsonb_build_object('data', jsonb_build_object('metadata', jsonb_build_object('checkoutId', ?))), "
                + "now() - interval '95 days', ?)", "evt_" + checkout, checkout.toString(), status);
    }

    @Test
    void checkoutsNeverPaidGoAfterNinetyDaysAndAPaidOneOrOneAFailedEventNamesStays() throws InterruptedException {
        f.jdbi.useHandle(h -> {
            for (int i = 0; i < 9; i++) {
                checkout(h, "cs_old_" + i, 91);
            }
            stripeEventNaming(h, checkout(h, "cs_old_settled_event", 100), "processed");
            checkout(h, "cs_young", 89);
            UUID paid = checkout(h, "cs_paid", 400);
            h.execute("INSERT INTO payments (id, community_id, account_id, checkout_id, method, amount, currency, status, paid_at) "
                    + "VALUES (?, ?, ?, ?, 'cash', 3000, 'eur', 'succeeded', now() - interval '400 days')",
                    UUID.randomUUID(), f.community, f.account, paid);
            stripeEventNaming(h, checkout(h, "cs_failed_event", 100), "failed");
        });

        assertThat(f.apply(RetentionFamily.DUES_CHECKOUTS)).isEqualTo(10);

        assertThat(f.strings("SELECT session_id FROM dues_checkouts ORDER BY 1"))
                .containsExactly("cs_failed_event", "cs_paid", "cs_young");
        assertThat(f.apply(RetentionFamily.DUES_CHECKOUTS)).as("idempotent").isZero();
    }

    private static void request(Handle h, UUID account, String status, int daysAgo) {
        h.execute("INSERT INTO membership_requests (id, community_id, account_id, status, message, requested_at, decided_at) "
                + "VALUES (?, ?, ?, ?, ?, now() - make_interval(days => ? + 10), "
                + "CASE WHEN ? <> 'pending' THEN now() - make_interval(days => ?) END)",
                UUID.randomUUID(), f.community, account, status, status + "-" + daysAgo, daysAgo, status, daysAgo);
    }

    @Test
    void membershipRequestsGoAYearAfterTheirDecisionAndAPendingOneStays() throws InterruptedException {
        f.jdbi.useHandle(h -> {
            for (int i = 0; i < 8; i++) {
                request(h, f.account, i % 2 == 0 ? "approved" : "refused", 366);
            }
            request(h, f.account, "withdrawn", 366);
            request(h, f.account, "refused", 364);
            request(h, f.account, "withdrawn", 364);
            request(h, f.account, "pending", 400);
        });

        assertThat(f.apply(RetentionFamily.MEMBERSHIP_REQUESTS)).isEqualTo(9);

        assertThat(f.strings("SELECT message FROM membership_requests ORDER BY 1"))
                .containsExactly("pending-400", "refused-364", "withdrawn-364");
    }

    /** An invitation to {@code email} expiring {@code expiredDaysAgo} ago (negative: in the future), accepted or not. */
    private static void invitation(Handle h, String email, int expiredDaysAgo, Integer acceptedDaysAgo) {
        h.execute("INSERT INTO invitations (token_hash, id, community_id, email, expires_at, accepted_at, created_at) "
                + "VALUES (convert_to(?, 'UTF8'), ?, ?, ?, now() - make_interval(days => ?), "
                + "now() - make_interval(days => ?), now() - make_interval(days => ? + 7))",
                email, UUID.randomUUID(), f.community, email, expiredDaysAgo, acceptedDaysAgo, expiredDaysAgo);
    }

    @Test
    void invitationsGoNinetyDaysAfterTheirAcceptanceOrExpiryAndALiveOneStays() throws InterruptedException {
        f.jdbi.useHandle(h -> {
            for (int i = 0; i < 8; i++) {
                invitation(h, "expired91-" + i + "@example.org", 91, null);
            }
            invitation(h, "accepted91@example.org", 95, 91);
            invitation(h, "expired89@example.org", 89, null);
            // Expired 96 days ago but accepted (in time) 89 days ago: its acceptance counts.
            invitation(h, "accepted89@example.org", 96, 89);
            invitation(h, "live@example.org", -3, null);
        });

        assertThat(f.apply(RetentionFamily.INVITATIONS)).isEqualTo(9);

        assertThat(f.strings("SELECT email FROM invitations ORDER BY 1"))
                .containsExactly("accepted89@example.org", "expired89@example.org", "live@example.org");
    }

    @Test
    void aiBudgetDaysGoNinetyDaysAfterTheyEndedAndTodaysRowStays() throws InterruptedException {
        UUID platform = new UUID(0, 0);
        f.jdbi.useHandle(h -> h.execute("""
                INSERT INTO content_budget_usage (community_id, day, requests, tokens)
                SELECT c, CAST(now() AT TIME ZONE 'UTC' AS date) - d, 3, 900
                  FROM unnest(ARRAY[CAST(? AS uuid), CAST(? AS uuid)]) c, unnest(ARRAY[0, 1, 90, 91, 92, 93, 120]) d
                """, f.community, platform));

        assertThat(f.apply(RetentionFamily.CONTENT_BUDGET_USAGE)).isEqualTo(8);

        assertThat(f.strings("SELECT community_id || ' ' || (CAST(now() AT TIME ZONE 'UTC' AS date) - day) "
                + "FROM content_budget_usage ORDER BY 1"))
                .containsExactlyInAnyOrder(platform + " 0", platform + " 1", platform + " 90",
                        f.community + " 0", f.community + " 1", f.community + " 90");
    }

    /** An email to Ada (and Bob suppressed), created {@code daysAgo}, its bodies purged or not. */
    private static void email(Handle h, String key, String status, int daysAgo, boolean bodiesPurged) {
        h.execute("""
                INSERT INTO emails (id, idempotency_key, template, locale, recipients, variables, status, subject, html_body,
                                    text_body, bodies_purged_at, suppressed, last_error, created_at)
                VALUES (?, ?, 'welcome', 'fr', '[{"email": "ada@example.org", "name": "Ada"}]',
                        '{"name": "Ada", "link": "https://koomy.example/t/secret"}', ?, 'Hello',
                        CASE WHEN ? THEN NULL ELSE '<p>Hello Ada</p>' END, CASE WHEN ? THEN NULL ELSE 'Hello Ada' END,
                        CASE WHEN ? THEN now() END, '[{"email": "bob@example.org"}, {"email": "cy@example.org"}]',
                        'rejected ada@example.org', now() - make_interval(days => ?))
                """, UUID.randomUUID(), key, status, bodiesPurged, bodiesPurged, bodiesPurged, daysAgo);
    }

    @Test
    void addressesAndVariablesOfSettledEmailsGoAfterAYearAndTheRowWithItsCountsStays() throws InterruptedException {
        f.jdbi.useHandle(h -> {
            for (int i = 0; i < 9; i++) {
                email(h, "old-" + i, i % 3 == 0 ? "sent" : i % 3 == 1 ? "failed" : "suppressed", 366, true);
            }
            email(h, "young-sent", "sent", 364, true);
            email(h, "old-bodies-kept", "sent", 400, false);
            email(h, "old-queued", "queued", 400, true);
        });
        String suppressedSum = "SELECT sum(jsonb_array_length(suppressed)) || '/' || sum(jsonb_array_length(recipients)) FROM emails";
        String before = f.strings(suppressedSum).get(0);

        assertThat(f.apply(RetentionFamily.EMAIL_ADDRESSES)).isEqualTo(9);

        assertThat(f.strings("""
                SELECT idempotency_key FROM emails
                 WHERE recipients = '[{}]' AND suppressed = '[{}, {}]' AND variables = '{}' AND last_error IS NULL
                   AND addresses_purged_at IS NOT NULL AND subject = 'Hello' ORDER BY 1"""))
                .hasSize(9).allMatch(key -> key.startsWith("old-") && !key.equals("old-bodies-kept") && !key.equals("old-queued"));
        assertThat(f.strings("SELECT idempotency_key FROM emails WHERE recipients @> '[{\"email\": \"ada@example.org\"}]' "
                + "AND variables ->> 'name' = 'Ada' AND addresses_purged_at IS NULL ORDER BY 1"))
                .containsExactly("old-bodies-kept", "old-queued", "young-sent");
        assertThat(f.strings(suppressedSum).get(0)).as("list lengths, as the newsletter figures sum them").isEqualTo(before);
        assertThat(f.count("SELECT count(*) FROM emails")).isEqualTo(12);
        assertThat(f.apply(RetentionFamily.EMAIL_ADDRESSES)).as("idempotent").isZero();
        // An operator's resend would deliver to nobody: refused for a purged failed email, allowed for a younger one.
        f.jdbi.useHandle(h -> h.execute("UPDATE emails SET status = 'failed' WHERE idempotency_key = 'young-sent'"));
        int purged = f.jdbi.withExtension(EmailDao.class, dao -> dao.requeueByOperator(id("old-1")));
        int young = f.jdbi.withExtension(EmailDao.class, dao -> dao.requeueByOperator(id("young-sent")));
        assertThat(purged).as("a failed email whose addresses went").isZero();
        assertThat(young).isOne();
    }

    private static UUID id(String key) {
        return UUID.fromString(f.strings("SELECT CAST(id AS text) FROM emails WHERE idempotency_key = '" + key + "'").get(0));
    }
}
