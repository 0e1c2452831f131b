package com.koomy.webhooks;

import com.koomy.stripe.events.IncomingStripeEvent;
import com.koomy.stripe.events.StripeEvent;
import com.koomy.stripe.events.StripeEventDao;
import com.koomy.stripe.events.StripeEventHandlers;
import com.koomy.stripe.events.StripeEventWrites;
import com.koomy.testing.StripeTestEvents;
import org.jdbi.v3.core.Jdbi;

import java.time.Instant;

/** Handlers for the job tests: each application of an event is a row in {@code applications}. */
final class TestHandlers {

    private TestHandlers() {
    }

    /** Creates {@code applications}; {@code test.counted} adds a row, {@code test.half_then_fail} adds one and throws. */
    static StripeEventHandlers counting(Jdbi jdbi) {
        jdbi.useHandle(h -> h.execute("CREATE TABLE applications (event_id text NOT NULL, applied_at timestamptz DEFAULT now())"));
        return new StripeEventHandlers()
                .register("test.counted", (handle, event) -> handle
                        .createUpdate("INSERT INTO applications (event_id) VALUES (:id)")
                        .bind("id", event.eventId()).execute())
                .register("test.half_then_fail", (handle, event) -> {
                    handle.createUpdate("INSERT INTO applications (event_id) VALUES (:id)").bind("id", event.eventId()).execute();
                    throw new IllegalStateException("provider said no");
                });
    }

    /** Stores a received event of {@code type}, as the webhook does; returns its id. */
    static String store(Jdbi jdbi, String type) {
        String id = StripeTestEvents.newEventId();
        jdbi.useHandle(h -> StripeEventWrites.storeIfAbsent(h, new IncomingStripeEvent(
                id, type, false, null, "2024-06-20", Instant.now(), StripeTestEvents.event(id, type, "customer"))));
        return id;
    }

    static long applications(Jdbi jdbi, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM applications WHERE event_id = :id")
                .bind("id", id).mapTo(Long.class).one());
    }

    static StripeEvent find(Jdbi jdbi, String id) {
        return jdbi.withExtension(StripeEventDao.class, dao -> dao.find(id)).orElseThrow();
    }
}
