package com.koomy.retention;

import com.koomy.testing.TestDatabase;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A year after a settled email was created, once its bodies are gone, its addresses and template variables are
 * replaced: the lists keep their length (a newsletter's "suppressed at send" reads the same), the row, subject,
 * status and idempotency key stay. A younger email, one whose bodies are still there and one not settled keep theirs.
 */
class EmailAddressesRetentionTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static RetentionFixture f;

    @BeforeAll
    static void setUp() {
        f = new RetentionFixture(db.jdbi());
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
    }
}
