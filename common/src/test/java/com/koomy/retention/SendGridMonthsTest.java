package com.koomy.retention;

import com.koomy.email.EmailSuppressionDao;
import com.koomy.email.sendgrid.SendGridEvent;
import com.koomy.testing.SendGridTestEvents;
import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * sendgrid_events partitioned by month (V36): rows land in their month, a month without a partition lands in
 * DEFAULT, dedupe on SendGrid's id is exact across months, and retention drops a whole expired month after
 * counting it (keeping the events a suppression names).
 */
class SendGridMonthsTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static RetentionFixture f;
    private static SendGridMonths months;
    private static final DateTimeFormatter PARTITION = DateTimeFormatter.ofPattern("'sendgrid_events_'yyyy_MM");

    @BeforeAll
    static void setUp() {
        f = new RetentionFixture(db.jdbi());
        months = new SendGridMonths(db.jdbi());
    }

    private static String partitionOf(Instant at) {
        return PARTITION.format(at.atZone(ZoneOffset.UTC));
    }

    private static SendGridEvent open(String id) {
        return new SendGridEvent(id, "open", "a@example.org", "newsletter:m:1", null, Instant.now(), null, null, null,
                null, "{}");
    }

    private static boolean store(SendGridEvent event) {
        return f.jdbi.withExtension(EmailSuppressionDao.class, dao -> dao.insertEvent(event));
    }

    private static void insert(String id, Instant receivedAt) {
        f.jdbi.useHandle(h -> h.execute("""
                INSERT INTO sendgrid_events (sg_event_id, event, email, koomy_key, occurred_at, payload, received_at)
                VALUES (?, 'delivered', 'm@example.org', ?, ?, '{}', ?)""", id, "key:" + id.replaceAll("_[0-9]+$", ""),
                receivedAt, receivedAt));
    }

    private static String tableOf(String id) {
        return f.strings("SELECT tableoid::regclass::text FROM sendgrid_events WHERE sg_event_id = '" + id + "'").get(0);
    }

    @Test
    void anEventLandsInThePartitionOfTheMonthItWasReceivedAndTheNextMonthsAreThereAhead() {
        String id = SendGridTestEvents.newEventId();
        assertThat(store(open(id))).isTrue();

        assertThat(tableOf(id)).isEqualTo(partitionOf(Instant.now()));
        YearMonth now = YearMonth.now(ZoneOffset.UTC);
        for (int i = 0; i <= SendGridMonths.AHEAD; i++) {
            String name = "sendgrid_events_" + now.plusMonths(i).toString().replace('-', '_');
            assertThat(f.count("SELECT count(*) FROM pg_inherits WHERE inhparent = 'sendgrid_events'::regclass "
                    + "AND inhrelid = to_regclass('" + name + "')")).as(name).isEqualTo(1);
        }
    }

    @Test
    void anEventOfAMonthWithoutPartitionLandsInDefaultAndThatMonthGetsNoPartitionOverIt() {
        Instant far = Instant.parse("2031-05-17T08:00:00Z");
        insert("sg_far_" + SendGridTestEvents.newEventId(), far);
        assertThat(f.strings("SELECT tableoid::regclass::text FROM sendgrid_events WHERE received_at = '2031-05-17T08:00:00Z'"))
                .containsExactly("sendgrid_events_default");

        months.createAhead(far, 1);

        assertThat(f.count("SELECT count(*) FROM pg_class WHERE relname = 'sendgrid_events_2031_05'"))
                .as("the DEFAULT holds May: no partition over it").isZero();
        assertThat(f.count("SELECT count(*) FROM pg_class WHERE relname = 'sendgrid_events_2031_06'")).isEqualTo(1);
        Instant june = Instant.parse("2031-06-02T00:00:00Z");
        insert("sg_june", june);
        assertThat(tableOf("sg_june")).isEqualTo("sendgrid_events_2031_06");
    }

    @Test
    void aRedeliveryIsRefusedWhenTheFirstDeliveryIsStoredInAnotherMonth() {
        String id = SendGridTestEvents.newEventId();
        assertThat(store(open(id))).isTrue();
        // The first delivery as if received last month (an UPDATE of the partition key moves the row).
        Instant lastMonth = Instant.now().atZone(ZoneOffset.UTC).minusMonths(1).toInstant();
        months.createAhead(lastMonth, 0);
        f.jdbi.useHandle(h -> {
            h.execute("UPDATE sendgrid_events SET received_at = ? WHERE sg_event_id = ?", lastMonth, id);
            h.execute("UPDATE sendgrid_event_ids SET received_at = ? WHERE sg_event_id = ?", lastMonth, id);
        });
        assertThat(tableOf(id)).isEqualTo(partitionOf(lastMonth));

        assertThat(store(open(id))).as("redelivery this month").isFalse();

        assertThat(f.count("SELECT count(*) FROM sendgrid_events WHERE sg_event_id = '" + id + "'")).isEqualTo(1);
        // The partitioned table alone would take the duplicate: the id table is what keeps dedupe exact.
        insert(id, Instant.now());
        assertThat(f.count("SELECT count(*) FROM sendgrid_events WHERE sg_event_id = '" + id + "'")).isEqualTo(2);
    }

    @Test
    void retentionDropsAWholeExpiredMonthAfterCountingItAndKeepsTheEventsASuppressionNames() throws InterruptedException {
        Instant old = YearMonth.now(ZoneOffset.UTC).minusMonths(4).atDay(10).atStartOfDay(ZoneOffset.UTC).toInstant();
        String month = partitionOf(old);
        months.createAhead(old, 0);
        for (int i = 0; i < 20; i++) {
            String id = "sg_month_" + i;
            f.jdbi.useHandle(h -> h.execute("INSERT INTO sendgrid_event_ids (sg_event_id, received_at) VALUES (?, ?)", id, old));
            insert(id, old.plusSeconds(i));
        }
        f.jdbi.useHandle(h -> h.execute("INSERT INTO email_suppressions (email, reason, scope, sg_event_id) "
                + "VALUES ('m@example.org', 'bounce', 'all', 'sg_month_0')"));
        assertThat(tableOf("sg_month_5")).isEqualTo(month);

        f.apply(RetentionFamily.SENDGRID_EVENTS);

        assertThat(f.count("SELECT count(*) FROM pg_class WHERE relname = '" + month + "'")).as("month dropped").isZero();
        assertThat(f.count("SELECT events FROM sendgrid_event_counts WHERE koomy_key = 'key:sg_month' AND event = 'delivered'"))
                .isEqualTo(19);
        assertThat(f.strings("SELECT tableoid::regclass::text || ' ' || sg_event_id FROM sendgrid_events WHERE sg_event_id LIKE 'sg_month_%'"))
                .containsExactly("sendgrid_events_default sg_month_0");
        assertThat(f.strings("SELECT sg_event_id FROM sendgrid_event_ids WHERE sg_event_id LIKE 'sg_month_%'"))
                .as("ids of the dropped events forgotten, the kept one's stays").containsExactly("sg_month_0");
    }

    @Test
    void aMonthDetachedByARunThatStoppedIsDroppedByTheNextRun() throws InterruptedException {
        Instant old = YearMonth.now(ZoneOffset.UTC).minusMonths(6).atDay(3).atStartOfDay(ZoneOffset.UTC).toInstant();
        String month = partitionOf(old);
        months.createAhead(old, 0);
        insert("sg_detached", old);
        f.jdbi.useHandle(h -> h.execute("ALTER TABLE sendgrid_events DETACH PARTITION " + month));

        f.apply(RetentionFamily.SENDGRID_EVENTS);

        assertThat(f.count("SELECT count(*) FROM pg_class WHERE relname = '" + month + "'")).isZero();
        assertThat(f.count("SELECT count(*) FROM sendgrid_events WHERE sg_event_id = 'sg_detached'")).isZero();
    }
}
