package com.koomy.email;

import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class EmailDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private final EmailDao dao = db.jdbi().onDemand(EmailDao.class);
    private final Instant later = Instant.now().plusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

    @BeforeEach
    void empty() {
        db.jdbi().useHandle(h -> h.execute("DELETE FROM emails"));
    }

    private UUID email(String key, boolean bulk) {
        return dao.insert(new EmailDao.NewEmail(UUID.randomUUID(), key, null, "welcome", "fr",
                "[{\"email\": \"ann@example.org\"}]", "{}", bulk, null, null, false)).orElseThrow();
    }

    private UUID sending(String key) {
        UUID id = email(key, false);
        dao.markSending(new EmailDao.Sending(id, "sink", later, null, "Subject", "<p>x</p>", "x"));
        return id;
    }

    private EmailStatus status(UUID id) {
        return dao.find(id).orElseThrow().status();
    }

    private void sql(String statement, Object... args) {
        db.jdbi().useHandle(h -> h.execute(statement, args));
    }

    @Test
    void anEmailIsStoredOncePerKeyAndPagedNewestFirstByStatus() {
        UUID first = email("k1", false);
        UUID second = email("k2", true);
        UUID third = sending("k3");

        assertThat(dao.insert(new EmailDao.NewEmail(UUID.randomUUID(), "k1", null, "other", "en", "[]", "{}", false,
                null, null, false))).isEmpty();
        assertThat(dao.findByKey("k1").orElseThrow().template()).isEqualTo("welcome");
        assertThat(dao.page(null, 2, 0)).extracting(Email::id).containsExactly(third, second);
        assertThat(dao.page(null, 2, 2)).extracting(Email::id).containsExactly(first);
        assertThat(dao.page("queued", 10, 0)).extracting(Email::id).containsExactly(second, first);
        assertThat(dao.count("sending")).isEqualTo(1);
        assertThat(dao.count(null)).isEqualTo(3);
    }

    @Test
    void anAttemptSettlesOnlyFromTheStatesThatAllowIt() {
        UUID queued = email("q", false);
        UUID sent = sending("s");
        UUID failing = sending("f");

        assertThat(dao.markSent(queued, "m0")).isZero();
        assertThat(dao.markSent(sent, "m1")).isEqualTo(1);
        assertThat(dao.markFailed(sent, "late")).isZero();
        dao.markSuppressed(sent, "[]");
        dao.requeue(sent, "429", later);
        dao.requeueAfterFailure(failing, "503", later);
        dao.requeueAfterFailure(failing, "503 again", later);
        dao.defer(failing, later.minusSeconds(60));
        Email requeued = dao.find(failing).orElseThrow();
        dao.defer(failing, later.plusSeconds(60));
        assertThat(dao.markFailed(failing, null)).isEqualTo(1);

        Email done = dao.find(sent).orElseThrow();
        assertThat(done.status()).isEqualTo(EmailStatus.sent);
        assertThat(done.providerMessageId()).isEqualTo("m1");
        assertThat(done.subject()).isEqualTo("Subject");
        assertThat(requeued.status()).isEqualTo(EmailStatus.queued);
        assertThat(requeued.failures()).isEqualTo(2);
        assertThat(requeued.retryAt()).as("a shorter wait leaves the longer one").isEqualTo(later);
        Email failed = dao.find(failing).orElseThrow();
        assertThat(failed.status()).isEqualTo(EmailStatus.failed);
        assertThat(failed.lastError()).isEqualTo("503 again");
        assertThat(failed.retryAt()).isEqualTo(later.plusSeconds(60));
    }

    @Test
    void heldAttemptsWaitForAnEventOrAnOperator() {
        UUID awaiting = sending("a");
        UUID needsOperator = sending("b");
        UUID pastLease = sending("c");
        UUID confirmed = sending("d");
        dao.hold(awaiting, "timeout", later);
        dao.hold(needsOperator, "timeout", null);
        dao.hold(confirmed, "timeout", later);
        sql("UPDATE emails SET lease_until = now() - interval '1 second' WHERE id = ?", pastLease);

        assertThat(dao.countNeedingOperator()).isEqualTo(2);
        assertThat(dao.countAwaitingConfirmation()).isEqualTo(2);
        assertThat(dao.markConfirmed(confirmed, "m", "delivered")).isEqualTo(1);
        assertThat(dao.markConfirmed(confirmed, "m", "delivered")).isZero();
        assertThat(dao.find(confirmed).orElseThrow().lastError()).isEqualTo("delivered (timeout)");
        dao.postponeResend(awaiting, later.plusSeconds(600));
        dao.postponeResend(pastLease, later.plusSeconds(600));
        assertThat(dao.find(awaiting).orElseThrow().retryAt()).isEqualTo(later.plusSeconds(600));
        assertThat(dao.find(pastLease).orElseThrow().retryAt()).isNull();

        assertThat(dao.requeueByOperator(needsOperator)).isEqualTo(1);
        assertThat(dao.markSentByOperator(needsOperator)).isZero();
        assertThat(dao.markSentByOperator(pastLease)).isEqualTo(1);
        assertThat(dao.requeueByOperator(confirmed)).isZero();
        assertThat(status(needsOperator)).isEqualTo(EmailStatus.queued);
        assertThat(dao.find(needsOperator).orElseThrow().lastError()).isEqualTo("resent by an operator after: timeout");
        assertThat(status(pastLease)).isEqualTo(EmailStatus.sent);
        assertThat(dao.countNeedingOperator()).isZero();
    }

    @Test
    void dueRowsComeTransactionalFirstEachInTheOrderOfItsWait() {
        UUID bulkWait = email("bulk", true);
        UUID wait = email("wait", false);
        UUID notYet = email("not-yet", false);
        UUID heldBatch = email("held", true);
        UUID lease = sending("lease");
        UUID resend = sending("resend");
        UUID settledByEvent = sending("event");
        UUID heldNoEvent = sending("quiet");
        sql("UPDATE emails SET retry_at = now() - interval '1 minute' WHERE id = ANY(?)", (Object) new UUID[] {bulkWait, heldBatch});
        sql("UPDATE emails SET retry_at = now() - interval '3 minutes' WHERE id = ?", wait);
        sql("UPDATE emails SET retry_at = now() + interval '1 minute' WHERE id = ?", notYet);
        sql("UPDATE emails SET held = true WHERE id = ?", heldBatch);
        sql("UPDATE emails SET lease_until = now() - interval '2 minutes' WHERE id = ?", lease);
        dao.hold(resend, "t", Instant.now().minusSeconds(240));
        dao.hold(settledByEvent, "t", later);
        dao.hold(heldNoEvent, "t", later);
        sql("INSERT INTO sendgrid_events (sg_event_id, event, koomy_key, occurred_at, payload) VALUES ('e1', 'delivered', 'event', now(), '{}')");

        List<UUID> due = dao.due(10);

        assertThat(due).containsExactly(resend, wait, lease, settledByEvent, bulkWait);
        assertThat(dao.due(2)).containsExactly(resend, wait);
    }
}
