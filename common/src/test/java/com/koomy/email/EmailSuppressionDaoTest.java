package com.koomy.email;

import com.koomy.email.sendgrid.SendGridEvent;
import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class EmailSuppressionDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static final Instant T = Instant.parse("2026-05-01T10:00:00Z");

    private final EmailSuppressionDao dao = db.jdbi().onDemand(EmailSuppressionDao.class);

    private static SendGridEvent event(String id, String event, String email, String key, Instant at, String payload) {
        return new SendGridEvent(id, event, email, key, "msg-" + id, at, null, null, null, null, payload);
    }

    @Test
    void aStrongerSuppressionReplacesAWeakerOneAndNeverTheOtherWayRound() {
        assertThat(dao.suppress("a@x.org", SuppressionReason.group_unsubscribe, SuppressionScope.bulk, "g", null)).isTrue();
        assertThat(dao.suppress("a@x.org", SuppressionReason.group_unsubscribe, SuppressionScope.bulk, "again", null)).isFalse();
        assertThat(dao.suppress("a@x.org", SuppressionReason.unsubscribe, SuppressionScope.bulk, "full", null)).isTrue();
        assertThat(dao.suppress("a@x.org", SuppressionReason.group_unsubscribe, SuppressionScope.bulk, "weaker", null)).isFalse();
        assertThat(dao.suppress("a@x.org", SuppressionReason.bounce, SuppressionScope.all, "hard", null)).isTrue();
        assertThat(dao.suppress("a@x.org", SuppressionReason.unsubscribe, SuppressionScope.bulk, "lower", null)).isFalse();
        assertThat(dao.suppress("a@x.org", SuppressionReason.spamreport, SuppressionScope.all, "equal", null)).isFalse();

        Suppression kept = dao.find("a@x.org").orElseThrow();
        assertThat(kept.reason()).isEqualTo(SuppressionReason.bounce);
        assertThat(kept.scope()).isEqualTo(SuppressionScope.all);
        assertThat(kept.detail()).isEqualTo("hard");
    }

    @Test
    void aRedeliveredEventIsStoredOnceAndTheFirstEventOfAKeyIsTheEarliest() {
        assertThat(dao.insertEvent(event("e2", "delivered", "a@x.org", "k", T.plusSeconds(5), "{}"))).isTrue();
        assertThat(dao.insertEvent(event("e1", "processed", "a@x.org", "k", T, "{}"))).isTrue();
        assertThat(dao.insertEvent(event("e1", "bounce", "a@x.org", "k", T.minusSeconds(5), "{}"))).isFalse();
        // Another month's partition: the id is still known.
        assertThat(dao.insertEvent(event("e1", "processed", "a@x.org", "k", T.plusSeconds(40L * 24 * 3600), "{}"))).isFalse();

        assertThat(dao.firstEvent("k")).contains(new EmailSuppressionDao.KeyEvent("processed", "msg-e1"));
        assertThat(dao.firstEvent("other")).isEmpty();
        assertThat(dao.processedSince(T.minusSeconds(1))).isTrue();
        assertThat(dao.processedSince(T)).isFalse();
    }

    @Test
    void aGroupUnsubscribeIsLiftedOnlyByAResubscriptionToThatGroupAfterIt() {
        dao.insertEvent(event("g1", "group_unsubscribe", "a@x.org", null, T, "{\"asm_group_id\": \"7\"}"));
        dao.suppress("a@x.org", SuppressionReason.group_unsubscribe, SuppressionScope.bulk, null, "g1");
        dao.suppress("byhand@x.org", SuppressionReason.group_unsubscribe, SuppressionScope.bulk, null, null);
        dao.suppress("full@x.org", SuppressionReason.unsubscribe, SuppressionScope.bulk, null, null);

        assertThat(dao.liftGroupUnsubscribe("a@x.org", "8", T.plusSeconds(1))).as("another group").isFalse();
        assertThat(dao.liftGroupUnsubscribe("a@x.org", "7", T.minusSeconds(1))).as("an older resubscription").isFalse();
        assertThat(dao.liftGroupUnsubscribe("full@x.org", "7", T.plusSeconds(1))).isFalse();
        assertThat(dao.liftGroupUnsubscribe("byhand@x.org", "7", T.plusSeconds(1))).isTrue();
        assertThat(dao.liftGroupUnsubscribe("a@x.org", "7", T.plusSeconds(1))).isTrue();
        assertThat(dao.find("a@x.org")).isEmpty();
    }

    @Test
    void blockedAddressesAreSuppressedForTheKindOfMailOrUnsubscribedFromTheCommunity() {
        UUID club = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        db.jdbi().useHandle(h -> {
            h.execute("INSERT INTO communities (id, name, slug) VALUES (?, 'C', ?), (?, 'O', ?)", club, "c-" + club, other, "c-" + other);
            h.execute("INSERT INTO newsletter_unsubscribes (community_id, email) VALUES (?, 'left@x.org'), (?, 'elsewhere@x.org')",
                    club, other);
        });
        dao.suppress("bounced@x.org", SuppressionReason.bounce, SuppressionScope.all, null, null);
        dao.suppress("nobulk@x.org", SuppressionReason.unsubscribe, SuppressionScope.bulk, null, null);
        String[] all = {"ok@x.org", "bounced@x.org", "nobulk@x.org", "left@x.org", "elsewhere@x.org"};

        assertThat(dao.blocked(all, false, null)).containsExactlyInAnyOrder("bounced@x.org");
        assertThat(dao.blocked(all, true, null)).containsExactlyInAnyOrder("bounced@x.org", "nobulk@x.org");
        assertThat(dao.blocked(all, true, club)).containsExactlyInAnyOrder("bounced@x.org", "nobulk@x.org", "left@x.org");
    }
}
