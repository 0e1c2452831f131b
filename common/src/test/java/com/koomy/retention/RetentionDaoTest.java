package com.koomy.retention;

import com.koomy.accounts.AccountDao;
import com.koomy.accounts.AccountExportDao;
import com.koomy.email.EmailDao;
import com.koomy.stripe.events.IncomingStripeEvent;
import com.koomy.stripe.events.StripeEventWrites;
import com.koomy.testing.Rows;
import com.koomy.testing.StripeTestEvents;
import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conditions of single batches, at their cutoff's boundary, with an explicit cutoff (the job's passes over
 * whole families: RetentionTest, SendGridRetentionTest, NewsletterAndExportRetentionTest, PaymentsRetentionTest).
 */
class RetentionDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static final Instant CUTOFF = Instant.parse("2025-04-01T00:00:00Z");
    private static final Instant BEFORE = CUTOFF.minusSeconds(1);

    private static Rows rows;
    private static RetentionDao dao;

    @BeforeAll
    static void setUp() {
        rows = new Rows(db.jdbi());
        dao = db.jdbi().onDemand(RetentionDao.class);
    }

    private static String stripeEvent(String status, Instant created, Instant received, Instant settled) {
        String id = StripeTestEvents.newEventId();
        db.jdbi().useHandle(h -> StripeEventWrites.storeIfAbsent(h, new IncomingStripeEvent(id, "invoice.paid", false, null,
                "2024-06-20", created, StripeTestEvents.paymentIntentSucceeded(id))));
        rows.sql("UPDATE stripe_events SET status = ?, received_at = ?, processed_at = ? WHERE event_id = ?",
                status, received, settled, id);
        return id;
    }

    @Test
    void settledStripeEventsGoWhenCreatedReceivedAndSettledBeforeTheCutoff() {
        String processed = stripeEvent("processed", BEFORE, BEFORE, BEFORE);
        String ignored = stripeEvent("ignored", BEFORE, BEFORE, BEFORE);
        String refused = stripeEvent("refused", BEFORE, BEFORE, BEFORE);
        stripeEvent("failed", BEFORE, BEFORE, BEFORE);
        stripeEvent("processing", BEFORE, BEFORE, null);
        stripeEvent("processed", BEFORE, BEFORE, CUTOFF);
        stripeEvent("processed", CUTOFF, BEFORE, BEFORE);
        stripeEvent("processed", BEFORE, CUTOFF, BEFORE);

        assertThat(dao.deleteSettledStripeEvents(CUTOFF, 2)).isEqualTo(2);
        assertThat(dao.deleteSettledStripeEvents(CUTOFF, 2)).isEqualTo(1);
        assertThat(dao.deleteSettledStripeEvents(CUTOFF, 2)).isZero();
        assertThat(rows.count("SELECT count(*) FROM stripe_events WHERE event_id IN (?, ?, ?)", processed, ignored, refused)).isZero();
        assertThat(rows.count("SELECT count(*) FROM stripe_events")).isEqualTo(5);
    }

    @Test
    void tokensGoOnceExpiredOrUsedBeforeTheCutoff() {
        UUID account = rows.account("Tokens");
        AccountDao accounts = db.jdbi().onDemand(AccountDao.class);
        accounts.insertToken(new byte[] {1}, account, "password_reset", BEFORE);
        accounts.insertToken(new byte[] {2}, account, "password_reset", CUTOFF.plusSeconds(3600));
        rows.sql("UPDATE account_tokens SET used_at = ? WHERE token_hash = ?", BEFORE, new byte[] {2});
        accounts.insertToken(new byte[] {3}, account, "password_reset", CUTOFF);
        accounts.insertToken(new byte[] {4}, account, "password_reset", CUTOFF.plusSeconds(3600));
        rows.sql("UPDATE account_tokens SET used_at = ? WHERE token_hash = ?", CUTOFF, new byte[] {4});
        accounts.insertToken(new byte[] {5}, account, "email_verification", BEFORE);

        assertThat(dao.deleteSpentAccountTokens(CUTOFF, 2)).isEqualTo(2);
        assertThat(dao.deleteSpentAccountTokens(CUTOFF, 2)).isEqualTo(1);
        assertThat(rows.strings("SELECT encode(token_hash, 'hex') FROM account_tokens ORDER BY 1")).containsExactly("03", "04");
    }

    private static UUID email(String status, Instant created) {
        UUID id = UUID.randomUUID();
        db.jdbi().useExtension(EmailDao.class, d -> d.insert(new EmailDao.NewEmail(id, "k-" + id, null, "welcome", "fr",
                "[{\"email\":\"a@example.org\"}]", "{}", false, null, null, false)));
        rows.sql("UPDATE emails SET status = ?, created_at = ?, subject = 'S', html_body = 'h', text_body = 't' WHERE id = ?",
                status, created, id);
        return id;
    }

    @Test
    void renderedBodiesOfSettledEmailsCreatedBeforeTheCutoffArePurged() {
        UUID sent = email("sent", BEFORE);
        UUID failed = email("failed", BEFORE.minusSeconds(1));
        UUID suppressed = email("suppressed", BEFORE);
        UUID queued = email("queued", BEFORE);
        UUID sending = email("sending", BEFORE);
        UUID recent = email("sent", CUTOFF);

        assertThat(dao.purgeEmailBodies(CUTOFF, 100)).isEqualTo(3);
        assertThat(dao.purgeEmailBodies(CUTOFF, 100)).as("no bodies left to purge").isZero();

        assertThat(rows.strings("SELECT id::text FROM emails WHERE html_body IS NULL AND text_body IS NULL"
                        + " AND bodies_purged_at IS NOT NULL AND subject = 'S'"))
                .containsExactlyInAnyOrder(sent.toString(), failed.toString(), suppressed.toString());
        assertThat(rows.count("SELECT count(*) FROM emails WHERE html_body = 'h' AND id IN (?, ?, ?)", queued, sending, recent))
                .isEqualTo(3);
    }

    private static UUID export(UUID account, boolean built, Instant at) {
        AccountExportDao exports = db.jdbi().onDemand(AccountExportDao.class);
        UUID id = UUID.randomUUID();
        exports.insert(id, account);
        if (built) {
            exports.build(id);
        }
        rows.sql("UPDATE account_exports SET requested_at = ?, ready_at = CASE WHEN ready_at IS NULL THEN NULL ELSE CAST(? AS timestamptz) END"
                + " WHERE id = ?", at, at, id);
        return id;
    }

    @Test
    void settledExportsGoWhenTheirLastStepCameBeforeTheCutoffAndAPendingOneStays() {
        UUID account = rows.account("Exports");
        UUID old = export(account, true, BEFORE);
        UUID pending = export(account, false, BEFORE);
        UUID readyAtCutoff = export(account, true, BEFORE);
        rows.sql("UPDATE account_exports SET ready_at = ? WHERE id = ?", CUTOFF, readyAtCutoff);
        UUID downloadedLate = export(account, true, BEFORE);
        rows.sql("UPDATE account_exports SET status = 'downloaded', archive = NULL, downloaded_at = ? WHERE id = ?",
                CUTOFF, downloadedLate);

        assertThat(dao.deleteOldAccountExports(CUTOFF, 100)).isEqualTo(1);
        assertThat(rows.strings("SELECT id::text FROM account_exports")).containsExactlyInAnyOrder(pending.toString(),
                readyAtCutoff.toString(), downloadedLate.toString()).doesNotContain(old.toString());
    }
}
