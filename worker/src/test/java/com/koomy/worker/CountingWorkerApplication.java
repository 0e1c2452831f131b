package com.koomy.worker;

import com.koomy.stripe.events.StripeEventHandlers;
import org.jdbi.v3.core.Jdbi;

/**
 * The worker with three test handlers, so tests can tell how often an effect was applied:
 * {@code koomy.test.counted} inserts one row into {@code test_applications} per application (in the
 * transaction that marks the event processed), after sleeping {@code KOOMY_TEST_HANDLER_DELAY_MS} to
 * build a backlog; {@code koomy.test.failing} always throws; {@code koomy.test.fails_until_allowed}
 * throws until a row named after the event's id is in {@code test_switches}, so a test can make a job
 * fail, then let its requeue succeed. Used in-process and as a process.
 */
public class CountingWorkerApplication extends KoomyWorkerApplication {

    public static final String COUNTED = "koomy.test.counted";
    public static final String FAILING = "koomy.test.failing";
    public static final String FAILS_UNTIL_ALLOWED = "koomy.test.fails_until_allowed";

    public static void main(String[] args) throws Exception {
        new CountingWorkerApplication().run(args);
    }

    @Override
    protected StripeEventHandlers stripeEventHandlers(Jdbi jdbi) {
        jdbi.useHandle(h -> h.execute("CREATE TABLE IF NOT EXISTS test_applications "
                + "(event_id text NOT NULL, pid bigint NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"));
        jdbi.useHandle(h -> h.execute("CREATE TABLE IF NOT EXISTS test_switches (name text PRIMARY KEY)"));
        long delayMs = Long.parseLong(System.getenv().getOrDefault("KOOMY_TEST_HANDLER_DELAY_MS", "0"));
        return super.stripeEventHandlers(jdbi)
                .register(COUNTED, (handle, event) -> {
                    if (delayMs > 0) {
                        Thread.sleep(delayMs);
                    }
                    handle.createUpdate("INSERT INTO test_applications (event_id, pid) VALUES (:id, :pid)")
                            .bind("id", event.eventId())
                            .bind("pid", ProcessHandle.current().pid())
                            .execute();
                })
                .register(FAILING, (handle, event) -> {
                    throw new IllegalStateException("the test handler always fails");
                })
                .register(FAILS_UNTIL_ALLOWED, (handle, event) -> {
                    boolean allowed = handle.createQuery("SELECT count(*) FROM test_switches WHERE name = :name")
                            .bind("name", event.eventId()).mapTo(Long.class).one() > 0;
                    if (!allowed) {
                        throw new IllegalStateException("the test handler fails until test_switches holds " + event.eventId());
                    }
                });
    }
}
