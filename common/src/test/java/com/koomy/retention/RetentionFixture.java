package com.koomy.retention;

import com.codahale.metrics.MetricRegistry;
import com.koomy.config.RetentionFactory;
import com.koomy.testing.TestDatabase;
import io.dropwizard.util.Duration;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * The retention job of the tests, on a migrated test database: small batches (7 rows) so that every family runs
 * several, no pause between them; one community and one account to hang rows on. Registered as a test class's
 * extension, it makes that database too.
 */
final class RetentionFixture implements BeforeAllCallback, AfterAllCallback {

    /** Null in a fixture built on its caller's database. */
    private final TestDatabase db;
    Jdbi jdbi;
    final UUID community = UUID.randomUUID();
    final UUID account = UUID.randomUUID();
    private ApplyRetentionJob retention;
    private UUID tier;

    /** As a test class's extension, on a test database of its own made before the class's tests. */
    RetentionFixture() {
        this.db = new TestDatabase();
    }

    RetentionFixture(Jdbi jdbi) {
        this.db = null;
        setUp(jdbi);
    }

    private void setUp(Jdbi jdbi) {
        this.jdbi = jdbi;
        RetentionFactory config = new RetentionFactory();
        config.setBatchSize(7);
        config.setPauseBetweenBatches(Duration.milliseconds(0));
        this.retention = new ApplyRetentionJob(SqlRetention.batches(jdbi), config, Clock.systemUTC(), new MetricRegistry());
        jdbi.useHandle(h -> {
            h.execute("INSERT INTO accounts (id, email, name, password_hash) VALUES (?, ?, 'Ret', 'x')", account,
                    account + "@example.org");
            h.execute("INSERT INTO communities (id, name, slug) VALUES (?, 'Club', ?)", community, "club-" + community);
        });
    }

    /** A dues tier of the community, made on first use (checkouts and payments name one). */
    UUID tier() {
        if (tier == null) {
            tier = UUID.randomUUID();
            jdbi.useHandle(h -> h.execute("INSERT INTO dues_tiers (id, community_id, name, amount, currency, period) "
                    + "VALUES (?, ?, 'Adult', 3000, 'eur', 'yearly')", tier, community));
        }
        return tier;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws SQLException {
        db.beforeAll(context);
        setUp(db.jdbi());
    }

    @Override
    public void afterAll(ExtensionContext context) throws SQLException {
        db.afterAll(context);
    }

    long apply(RetentionFamily family) throws InterruptedException {
        return retention.apply(family);
    }

    long count(String sql) {
        return jdbi.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    List<String> strings(String sql) {
        return jdbi.withHandle(h -> h.createQuery(sql).mapTo(String.class).list());
    }
}
