package com.koomy.api.ops;

import com.koomy.testing.TestDatabase;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.storage.sql.common.SqlStorageProviderFactory;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

/**
 * JobRunr's own tables in a test database, created by JobRunr (as a worker's first start does), and
 * rows written the way JobRunr writes them (timestamps as TIMESTAMP through JDBC), so the statistics
 * read exactly what a worker leaves.
 */
final class JobRunrTables {

    private final Jdbi jdbi;

    private JobRunrTables(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    static JobRunrTables create(TestDatabase db) {
        db.jdbi().useHandle(h -> h.execute("CREATE SCHEMA IF NOT EXISTS jobrunr"));
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(db.url() + "?currentSchema=jobrunr");
        dataSource.setUser(TestDatabase.user());
        dataSource.setPassword(TestDatabase.password());
        SqlStorageProviderFactory.using(dataSource);
        return new JobRunrTables(db.jdbi());
    }

    UUID job(String signature, String state, Instant updatedAt, Double processSeconds) {
        UUID id = UUID.randomUUID();
        String json = processSeconds == null ? "{\"jobHistory\":[{\"state\":\"" + state + "\"}]}"
                : "{\"jobHistory\":[{\"state\":\"" + state + "\",\"processDuration\":" + processSeconds + "}]}";
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO jobrunr.jobrunr_jobs (id, version, jobAsJson, jobSignature, state, createdAt, updatedAt)
                        VALUES (:id, 1, :json, :signature, :state, :at, :at)
                        """)
                .bind("id", id.toString()).bind("json", json).bind("signature", signature).bind("state", state)
                .bind("at", Timestamp.from(updatedAt)).execute());
        return id;
    }

    void move(UUID id, String state, Instant updatedAt, Double processSeconds) {
        String json = "{\"jobHistory\":[{\"state\":\"" + state + "\""
                + (processSeconds == null ? "" : ",\"processDuration\":" + processSeconds) + "}]}";
        jdbi.useHandle(h -> h.createUpdate("UPDATE jobrunr.jobrunr_jobs SET state = :state, updatedAt = :at, jobAsJson = :json WHERE id = :id")
                .bind("id", id.toString()).bind("state", state).bind("json", json).bind("at", Timestamp.from(updatedAt)).execute());
    }

    void server(UUID id, Instant lastHeartbeat) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO jobrunr.jobrunr_backgroundjobservers (id, workerPoolSize, pollIntervalInSeconds,
                            firstHeartbeat, lastHeartbeat, running, systemTotalMemory, systemFreeMemory, systemCpuLoad,
                            processMaxMemory, processFreeMemory, processAllocatedMemory, processCpuLoad, name)
                        VALUES (:id, 4, 5, :at, :at, 1, 1, 1, 0, 1, 1, 1, 0, 'test-worker')
                        ON CONFLICT (id) DO UPDATE SET lastHeartbeat = :at
                        """)
                .bind("id", id.toString()).bind("at", Timestamp.from(lastHeartbeat)).execute());
    }

    void removeServer(UUID id) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM jobrunr.jobrunr_backgroundjobservers WHERE id = :id")
                .bind("id", id.toString()).execute());
    }
}
