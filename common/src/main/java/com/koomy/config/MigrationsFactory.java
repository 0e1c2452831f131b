package com.koomy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.NotNull;

/**
 * Timeouts of every Flyway migration's session (docs/operations.md, "Safe migrations"). A migration
 * that waits for a lock queues every writer of that table behind it: {@code lockTimeout} makes it give
 * up instead (the process fails to start and is restarted; the deploy retries) rather than stall
 * the table. {@code statementTimeout} bounds a runaway statement; a backfill is written in batches
 * well under it, and a migration that must run longer (a concurrent index build) lifts it for itself.
 */
public class MigrationsFactory {

    /** Longest wait for a lock (0: wait forever). Writers queued behind the waiting migration wait as long. */
    @NotNull private Duration lockTimeout = Duration.seconds(5);
    /** Longest single statement (0: no limit). */
    @NotNull private Duration statementTimeout = Duration.minutes(10);

    /** As PostgreSQL reads a setting in milliseconds: "5000ms". */
    public static String setting(Duration duration) {
        return duration.toMilliseconds() + "ms";
    }

    @JsonProperty public Duration getLockTimeout() { return lockTimeout; }
    @JsonProperty public void setLockTimeout(Duration lockTimeout) { this.lockTimeout = lockTimeout; }
    @JsonProperty public Duration getStatementTimeout() { return statementTimeout; }
    @JsonProperty public void setStatementTimeout(Duration statementTimeout) { this.statementTimeout = statementTimeout; }
}
