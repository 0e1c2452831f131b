package com.koomy.worker;

import com.koomy.accounts.AccountErasure;
import com.koomy.accounts.EraseDeletedAccounts;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worker wiring of account erasure (issue 21): a recurring JobRunr job under its stable id (what the
 * dashboard's recurring jobs list shows), which erases an account whose grace period is over.
 */
class AccountErasureWorkerTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<WorkerConfiguration> app = WorkerTestApp.on(KoomyWorkerApplication.class, db,
            ConfigOverride.config("jobs.dashboardEnabled", "false"),
            ConfigOverride.config("accountDeletion.erasureEvery", "10 seconds"));

    @Test
    void theRecurringJobErasesAnAccountWhoseGracePeriodIsOver() {
        String recurring = one("SELECT jobasjson FROM jobrunr.jobrunr_recurring_jobs WHERE id = ?", String.class,
                EraseDeletedAccounts.RECURRING_ID);
        assertThat(recurring).contains("Erase accounts whose deletion grace period is over");

        UUID due = UUID.randomUUID();
        UUID notYet = UUID.randomUUID();
        db.jdbi().useHandle(h -> {
            h.execute("""
                    INSERT INTO accounts (id, email, name, password_hash, deletion_requested_at, erase_after)
                    VALUES (?, ?, 'Ada Due', 'x', now() - interval '31 days', now() - interval '1 day')""", due, due + "@example.org");
            h.execute("""
                    INSERT INTO accounts (id, email, name, password_hash, deletion_requested_at, erase_after)
                    VALUES (?, ?, 'Bob Waiting', 'x', now(), now() + interval '30 days')""", notYet, notYet + "@example.org");
            h.execute("""
                    INSERT INTO emails (id, idempotency_key, template, locale, recipients, variables, status, subject, text_body)
                    VALUES (?, ?, 'welcome', 'en', CAST(? AS jsonb), CAST('{"name": "Ada Due"}' AS jsonb), 'sent', 'Welcome Ada Due', 'Hello Ada Due')""",
                    UUID.randomUUID(), "welcome:" + due, "[{\"email\": \"" + due + "@example.org\", \"name\": \"Ada Due\"}]");
        });

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> db.jdbi().withHandle(h ->
                h.select("SELECT erased_at IS NOT NULL FROM accounts WHERE id = ?", due).mapTo(Boolean.class).one()));

        String row = one("SELECT email || '|' || name FROM accounts WHERE id = ?", String.class, due);
        assertThat(row).isEqualTo(AccountErasure.pseudonym(due) + "|" + AccountErasure.ERASED_NAME);
        Long left = one("SELECT count(*) FROM emails WHERE recipients::text LIKE ? OR variables::text LIKE '%Ada%' "
                + "OR text_body LIKE '%Ada%' OR subject LIKE '%Ada%'", Long.class, "%" + due + "@example.org%");
        assertThat(left).isZero();
        List<String> steps = db.jdbi().withHandle(h -> h.select(
                "SELECT step FROM account_deletion_log WHERE account_id = ? ORDER BY id", due).mapTo(String.class).list());
        assertThat(steps).containsExactly("erasure_started", "emails_erased", "erased");
        String waiting = one("SELECT email FROM accounts WHERE id = ? AND erasure_started_at IS NULL", String.class, notYet);
        assertThat(waiting).as("still in its grace period").isEqualTo(notYet + "@example.org");
    }

    private static <T> T one(String sql, Class<T> type, Object... args) {
        return db.jdbi().withHandle(h -> h.select(sql, args).mapTo(type).one());
    }
}
