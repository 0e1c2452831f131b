package com.koomy.worker.stripe;

import com.koomy.testing.StripeStub;
import com.koomy.testing.StripeTestEvents;
import com.koomy.testing.TestDatabase;
import com.koomy.worker.WorkerConfiguration;
import net.sourceforge.argparse4j.inf.Namespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The operator's {@code stripe-reconcile --from --to}: every event of the range we lack is stored once, queued. */
class StripeReconcileCommandTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();
    @RegisterExtension
    static StripeStub stripe = new StripeStub();

    @Test
    void ingestsTheRangeOnceWhateverItsDeliveryState() throws Exception {
        String missed = StripeTestEvents.newEventId();
        String known = StripeTestEvents.newEventId();
        long now = Instant.now().getEpochSecond();
        stripe.events(List.of(
                StripeTestEvents.event(missed, "customer.created", StripeTestEvents.object("customer"), null, now - 600, false),
                StripeTestEvents.event(known, "customer.created", StripeTestEvents.object("customer"), null, now - 500, false)));
        db.jdbi().useHandle(h -> h.execute("INSERT INTO stripe_events (event_id, type, livemode, stripe_created, payload) "
                + "VALUES (?, 'customer.created', false, now(), '{}')", known));

        WorkerConfiguration config = new WorkerConfiguration();
        config.setDatabase(db.dataSourceFactory());
        config.getStripe().setApiKey("sk_test_command");
        config.getStripe().setApiBase(stripe.baseUrl());
        Namespace args = new Namespace(Map.of("from", Instant.ofEpochSecond(now - 3600).toString(),
                "to", Instant.ofEpochSecond(now).toString()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            new StripeReconcileCommand().run(null, args, config);
            new StripeReconcileCommand().run(null, args, config);
        } finally {
            System.setOut(stdout);
        }

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("Listed 2 events in 1 scopes (platform + connected accounts); 1 were new and are queued")
                .contains("Listed 2 events in 1 scopes (platform + connected accounts); 0 were new and are queued");
        long stored = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM stripe_events WHERE event_id = :id "
                + "AND source = 'reconciliation' AND status = 'received'").bind("id", missed).mapTo(Long.class).one());
        long queued = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM outbox WHERE ref = :id")
                .bind("id", missed).mapTo(Long.class).one());
        assertThat(stored).isEqualTo(1);
        assertThat(queued).isEqualTo(1);
        // The range pass asks for every event, delivered or not.
        assertThat(stripe.requests("GET", "/v1/events")).allSatisfy(r -> assertThat(r.getUrl()).doesNotContain("delivery_success"));
    }
}
