package com.koomy.health;

import com.codahale.metrics.health.HealthCheck;
import org.jdbi.v3.core.Jdbi;

/** PostgreSQL answers a query through the process's own pool within the pool's wait limit. */
public class DatabaseHealthCheck extends HealthCheck {

    private final Jdbi jdbi;

    public DatabaseHealthCheck(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    protected Result check() {
        int one = jdbi.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
        return one == 1 ? Result.healthy() : Result.unhealthy("SELECT 1 returned " + one);
    }
}
