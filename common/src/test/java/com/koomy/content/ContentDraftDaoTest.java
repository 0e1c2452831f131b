package com.koomy.content;

import com.koomy.testing.Rows;
import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ContentDraftDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static final long LEASE = 300;

    private static Rows rows;
    private static ContentDraftDao dao;

    @BeforeAll
    static void setUp() {
        rows = new Rows(db.jdbi());
        dao = db.jdbi().onDemand(ContentDraftDao.class);
    }

    private static UUID draft() {
        UUID id = UUID.randomUUID();
        dao.insert(id, UUID.randomUUID(), "news", "fr", "A brief");
        return id;
    }

    private static void startedSecondsAgo(UUID id, long seconds) {
        rows.sql("UPDATE content_drafts SET started_at = now() - make_interval(secs => ?) WHERE id = ?", (double) seconds, id);
    }

    private static ContentDraftDao.Done done(UUID id, int attempt) {
        return new ContentDraftDao.Done(id, attempt, "Text", "gpt", 1, 2, 3, 40);
    }

    @Test
    void aRunningAttemptIsTakenOverOnlyAfterItsLease() {
        UUID id = draft();

        assertThat(dao.claim(id, LEASE).orElseThrow().attempts()).isEqualTo(1);
        assertThat(dao.claim(id, LEASE)).as("held by the first attempt").isEmpty();
        startedSecondsAgo(id, LEASE - 5);
        assertThat(dao.claim(id, LEASE)).as("lease not over").isEmpty();
        startedSecondsAgo(id, LEASE + 5);
        ContentDraft second = dao.claim(id, LEASE).orElseThrow();

        assertThat(second.status()).isEqualTo(ContentDraftStatus.running);
        assertThat(second.attempts()).isEqualTo(2);
        assertThat(dao.claim(UUID.randomUUID(), LEASE)).isEmpty();
    }

    @Test
    void onlyTheCurrentAttemptSettlesTheDraftAndASettledDraftIsNotClaimedAgain() {
        UUID id = draft();
        dao.claim(id, LEASE);
        startedSecondsAgo(id, LEASE + 5);
        dao.claim(id, LEASE);

        assertThat(dao.markDone(done(id, 1))).as("the presumed dead attempt").isZero();
        assertThat(dao.markFailed(id, 1, "late", null)).isZero();
        assertThat(dao.releaseForRetry(id, 1, "late", null)).isZero();
        assertThat(dao.markDone(done(id, 2))).isEqualTo(1);
        assertThat(dao.markDone(done(id, 2))).as("done already").isZero();

        ContentDraft settled = dao.find(id).orElseThrow();
        assertThat(settled.status()).isEqualTo(ContentDraftStatus.done);
        assertThat(settled.resultText()).isEqualTo("Text");
        assertThat(settled.totalTokens()).isEqualTo(3);
        assertThat(settled.finishedAt()).isNotNull();
        assertThat(dao.claim(id, 0)).isEmpty();
    }

    @Test
    void aRetryGoesBackToQueuedAndAFailureKeepsTheLastDuration() {
        UUID retried = draft();
        UUID failed = draft();
        dao.claim(retried, LEASE);
        dao.claim(failed, LEASE);

        assertThat(dao.releaseForRetry(retried, 1, "429", 120)).isEqualTo(1);
        assertThat(dao.markFailed(failed, 1, "over budget", null)).isEqualTo(1);
        ContentDraft queued = dao.find(retried).orElseThrow();
        ContentDraft gone = dao.find(failed).orElseThrow();

        assertThat(queued.status()).isEqualTo(ContentDraftStatus.queued);
        assertThat(queued.lastError()).isEqualTo("429");
        assertThat(queued.durationMs()).isEqualTo(120);
        assertThat(dao.claim(retried, LEASE).orElseThrow().attempts()).isEqualTo(2);
        assertThat(gone.status()).isEqualTo(ContentDraftStatus.failed);
        assertThat(gone.lastError()).isEqualTo("over budget");
        assertThat(dao.claim(failed, 0)).isEmpty();
    }
}
