package com.koomy.webhooks;

import org.jdbi.v3.core.Jdbi;

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
}
