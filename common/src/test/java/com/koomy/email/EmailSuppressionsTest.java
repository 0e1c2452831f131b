package com.koomy.email;

import com.koomy.email.sendgrid.SendGridEvent;
import com.koomy.email.sendgrid.SendGridEventBatchResult;
import com.koomy.testing.SendGridTestEvents;
import com.koomy.testing.TestDatabase;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmailSuppressionsTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    private static SendGridEvent event(String type, String email, Instant at) {
        return new SendGridEvent(SendGridTestEvents.newEventId(), type, email, "newsletter:42:member:7",
                "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0", at, null, null, null, null, "{}");
    }

    private static SendGridEvent bounce(String email, String bounceType, Instant at) {
        return new SendGridEvent(SendGridTestEvents.newEventId(), "bounce", email, null, null, at,
                "550 5.1.1 The email account that you tried to reach does not exist.", bounceType, "5.1.1", null, "{}");
    }

    private static SendGridEvent dropped(String email, String reason) {
        return new SendGridEvent(SendGridTestEvents.newEventId(), "dropped", email, null, null, T0, reason, null,
                null, null, "{}");
    }

    private static SendGridEvent group(String type, String email, long group, Instant at) {
        String payload = "{\"event\":\"" + type + "\",\"asm_group_id\":" + group + "}";
        return new SendGridEvent(SendGridTestEvents.newEventId(), type, email, null, null, at, null, null, null,
                group, payload);
    }

    private static SendGridEventBatchResult record(SendGridEvent... events) {
        return db.jdbi().withHandle(h -> EmailSuppressions.record(h, List.of(events)));
    }

    private static Optional<Suppression> find(String email) {
        return db.jdbi().withHandle(h -> EmailSuppressions.find(h, email));
    }

    private static boolean suppresses(String email, boolean bulk) {
        return db.jdbi().withHandle(h -> EmailSuppressions.suppresses(h, email, bulk));
    }

    private static long events(String sgEventId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM sendgrid_events WHERE sg_event_id = :id")
                .bind("id", sgEventId).mapTo(Long.class).one());
    }

    @Test
    void aBounceStopsEveryEmailAndIsFoundWhateverTheCaseOfTheAddress() {
        String email = SendGridTestEvents.newEmail("Ana.Bounced");
        SendGridEvent bounce = bounce(email, "bounce", T0);

        SendGridEventBatchResult result = record(bounce);

        assertThat(result).isEqualTo(new SendGridEventBatchResult(1, 1, 1, 0));
        Suppression suppression = find(email.toUpperCase()).orElseThrow();
        assertThat(suppression.email()).isEqualTo(email.toLowerCase());
        assertThat(suppression.reason()).isEqualTo(SuppressionReason.bounce);
        assertThat(suppression.scope()).isEqualTo(SuppressionScope.all);
        assertThat(suppression.detail()).isEqualTo("5.1.1 550 5.1.1 The email account that you tried to reach does not exist.");
        assertThat(suppression.sgEventId()).isEqualTo(bounce.sgEventId());
        assertThat(suppression.createdAt()).isNotNull();
        assertThat(suppresses(email, false)).as("transactional").isTrue();
        assertThat(suppresses(" " + email + " ", true)).as("bulk").isTrue();
    }

    @Test
    void anUnsubscribeStopsBulkMailOnlyAndALaterBounceUpgradesIt() {
        String email = SendGridTestEvents.newEmail("ben.unsubscribed");
        record(event("unsubscribe", email, T0));

        assertThat(find(email).orElseThrow().scope()).isEqualTo(SuppressionScope.bulk);
        assertThat(suppresses(email, true)).as("newsletter").isTrue();
        assertThat(suppresses(email, false)).as("receipt").isFalse();

        record(bounce(email, "bounce", T0.plusSeconds(60)));

        Suppression upgraded = find(email).orElseThrow();
        assertThat(upgraded.reason()).isEqualTo(SuppressionReason.bounce);
        assertThat(upgraded.scope()).isEqualTo(SuppressionScope.all);
        assertThat(upgraded.updatedAt()).isAfterOrEqualTo(upgraded.createdAt());
        assertThat(suppresses(email, false)).isTrue();
    }

    @Test
    void aWeakerLaterReasonNeverDowngradesTheScope() {
        String email = SendGridTestEvents.newEmail("cleo.spam");
        SendGridEvent spam = event("spamreport", email, T0);
        SendGridEventBatchResult result = record(spam, event("unsubscribe", email, T0.plusSeconds(5)),
                event("group_unsubscribe", email, T0.plusSeconds(10)));

        assertThat(result.suppressed()).as("only the spam report wrote the row").isEqualTo(1);
        Suppression suppression = find(email).orElseThrow();
        assertThat(suppression.reason()).isEqualTo(SuppressionReason.spamreport);
        assertThat(suppression.scope()).isEqualTo(SuppressionScope.all);
        assertThat(suppression.sgEventId()).isEqualTo(spam.sgEventId());
    }

    @Test
    void eventsOfABatchApplyOldestFirst() {
        String email = SendGridTestEvents.newEmail("dan.order");
        // Listed newest first: applied in the order they happened, the bounce still wins.
        record(event("unsubscribe", email, T0.plusSeconds(30)), bounce(email, null, T0));

        assertThat(find(email).orElseThrow().scope()).isEqualTo(SuppressionScope.all);
    }

    @Test
    void aRedeliveredBatchStoresNothingAndChangesNothing() {
        String email = SendGridTestEvents.newEmail("eve.redelivered");
        SendGridEvent unsubscribe = group("group_unsubscribe", email, 7, T0);
        SendGridEvent resubscribe = group("group_resubscribe", email, 7, T0.plusSeconds(60));
        record(unsubscribe, resubscribe);
        assertThat(find(email)).isEmpty();

        SendGridEventBatchResult again = record(unsubscribe, resubscribe);

        assertThat(again).isEqualTo(new SendGridEventBatchResult(2, 0, 0, 0));
        assertThat(again.duplicates()).isEqualTo(2);
        assertThat(find(email)).as("the redelivered unsubscribe did not come back").isEmpty();
        assertThat(events(unsubscribe.sgEventId())).isEqualTo(1);
    }

    @Test
    void aGroupResubscribeLiftsOnlyAnEarlierUnsubscribeFromTheSameGroup() {
        String same = SendGridTestEvents.newEmail("fay.same");
        String other = SendGridTestEvents.newEmail("gus.other");
        String earlier = SendGridTestEvents.newEmail("hal.earlier");
        String full = SendGridTestEvents.newEmail("ida.full");
        record(group("group_unsubscribe", same, 7, T0), group("group_unsubscribe", other, 7, T0),
                group("group_unsubscribe", earlier, 7, T0.plusSeconds(600)), event("unsubscribe", full, T0));

        SendGridEventBatchResult result = record(group("group_resubscribe", same, 7, T0.plusSeconds(60)),
                group("group_resubscribe", other, 8, T0.plusSeconds(60)),
                group("group_resubscribe", earlier, 7, T0.plusSeconds(60)),
                group("group_resubscribe", full, 7, T0.plusSeconds(60)));

        assertThat(result.lifted()).isEqualTo(1);
        assertThat(find(same)).isEmpty();
        assertThat(find(other)).as("resubscribed to another group").isPresent();
        assertThat(find(earlier)).as("the unsubscribe came after the resubscribe").isPresent();
        assertThat(find(full).orElseThrow().reason()).as("a full unsubscribe stays").isEqualTo(SuppressionReason.unsubscribe);
    }

    @Test
    void aFullUnsubscribeReplacesAGroupUnsubscribeSoThatAResubscribeCannotLiftIt() {
        String email = SendGridTestEvents.newEmail("jo.both");
        record(group("group_unsubscribe", email, 7, T0), event("unsubscribe", email, T0.plusSeconds(10)),
                group("group_resubscribe", email, 7, T0.plusSeconds(20)));

        Suppression suppression = find(email).orElseThrow();
        assertThat(suppression.reason()).isEqualTo(SuppressionReason.unsubscribe);
        assertThat(suppression.scope()).isEqualTo(SuppressionScope.bulk);
    }

    @Test
    void blockedBouncesAndDeliveryEventsAreRecordedButSuppressNothing() {
        String email = SendGridTestEvents.newEmail("kim.blocked");
        SendGridEvent blocked = bounce(email, "blocked", T0);

        SendGridEventBatchResult result = record(blocked, event("processed", email, T0), event("delivered", email, T0),
                event("open", email, T0), event("click", email, T0), event("deferred", email, T0));

        assertThat(result).isEqualTo(new SendGridEventBatchResult(6, 6, 0, 0));
        assertThat(find(email)).isEmpty();
        assertThat(events(blocked.sgEventId())).isEqualTo(1);
    }

    @Test
    void onlyDropsAboutTheAddressSuppress() {
        String bounced = SendGridTestEvents.newEmail("lea.bounced");
        String invalid = SendGridTestEvents.newEmail("max.invalid");
        String unsubscribed = SendGridTestEvents.newEmail("ned.unsubscribed");
        String spam = SendGridTestEvents.newEmail("ora.spamreporter");
        String content = SendGridTestEvents.newEmail("pia.content");
        String header = SendGridTestEvents.newEmail("quinn.header");

        record(dropped(bounced, "Bounced Address"), dropped(invalid, "Invalid"),
                dropped(unsubscribed, "Unsubscribed Address"), dropped(spam, "Spam Reporting Address"),
                dropped(content, "Spam Content (if spam checker app enabled)"),
                dropped(header, "Invalid SMTPAPI header"));

        for (String email : List.of(bounced, invalid, unsubscribed, spam)) {
            assertThat(find(email)).as(email).hasValueSatisfying(s -> {
                assertThat(s.reason()).isEqualTo(SuppressionReason.dropped);
                assertThat(s.scope()).isEqualTo(SuppressionScope.all);
            });
        }
        assertThat(find(content)).as("our content, not the address").isEmpty();
        assertThat(find(header)).as("our header, not the address").isEmpty();
    }

    @Test
    void anOperatorSuppressesByHand() {
        String email = SendGridTestEvents.newEmail("rex.manual");
        record(event("unsubscribe", email, T0));

        boolean written = db.jdbi().withHandle(h -> EmailSuppressions.suppressManually(h, email, "asked by phone"));

        assertThat(written).isTrue();
        assertThat(find(email).orElseThrow().reason()).isEqualTo(SuppressionReason.manual);
        assertThat(suppresses(email, false)).isTrue();
        assertThat(suppresses(SendGridTestEvents.newEmail("nobody"), true)).isFalse();
    }

    @Test
    void aBatchIsOneTransaction() {
        String email = SendGridTestEvents.newEmail("sam.rollback");
        SendGridEvent bounce = bounce(email, "bounce", T0);
        SendGridEvent broken = new SendGridEvent(SendGridTestEvents.newEventId(), "delivered", email, null, null,
                T0.plusSeconds(1), null, null, null, null, "not json");
        Jdbi jdbi = db.jdbi();

        assertThatThrownBy(() -> jdbi.useHandle(h -> EmailSuppressions.record(h, List.of(bounce, broken))));

        assertThat(events(bounce.sgEventId())).isZero();
        assertThat(find(email)).isEmpty();
    }
}
