package com.koomy.worker.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.koomy.db.KoomyDataSourceFactory;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.util.Duration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/**
 * JobRunr in the worker: its own connection pool (JobRunr's tables in schema jobrunr), the
 * background job server, the dashboard, the outbox relay and the recovery supervisor.
 */
public class JobsFactory {

    @Valid @NotNull private DataSourceFactory database = new KoomyDataSourceFactory();
    @Min(1) private int workerCount = 16;
    /** JobRunr's free edition refuses less than 5 s on SQL storage. */
    @NotNull private Duration pollInterval = Duration.seconds(5);
    @NotNull private Duration shutdownTimeout = Duration.seconds(20);
    /** JobRunr's own retention: succeeded jobs go to its deleted state after this (docs/operations.md, "Data retention"). */
    @NotNull private Duration deleteSucceededAfter = Duration.hours(36);
    /** ... and deleted jobs (succeeded, deleted by hand or by the failed-jobs retention) are removed for good after this. */
    @NotNull private Duration permanentlyDeleteDeletedAfter = Duration.hours(72);
    private boolean dashboardEnabled = true;
    @Min(1) @Max(65535) private int dashboardPort = 8000;
    /** Loopback unless set: the dashboard is for operators, not the network (docs/security.md). */
    @NotBlank private String dashboardBindHost = "127.0.0.1";
    private String dashboardUser = "";
    private String dashboardPassword = "";
    @NotNull private Duration relayInterval = Duration.milliseconds(50);
    @Min(1) @Max(10000) private int relayBatchSize = 500;
    @NotNull private Duration supervisorInterval = Duration.seconds(5);
    /** Retries after a Stripe event's first attempt, spaced by JobRunr's exponential backoff (3^n s). */
    @Min(0) @Max(20) private int stripeEventRetries = 8;
    /** Received Stripe events per job: the relay groups the events it claims into jobs of this size. */
    @Min(1) @Max(1000) private int stripeEventBatch = 500;
    /** Retries of an email delivery after a 5xx or a network error (backoff 3^n s on the row: 8 ≈ 3 hours). */
    @Min(0) @Max(20) private int emailRetries = 8;

    @JsonProperty public DataSourceFactory getDatabase() { return database; }
    @JsonProperty @JsonDeserialize(as = KoomyDataSourceFactory.class)
    public void setDatabase(DataSourceFactory database) { this.database = database; }
    @JsonProperty public int getWorkerCount() { return workerCount; }
    @JsonProperty public void setWorkerCount(int workerCount) { this.workerCount = workerCount; }
    @JsonProperty public Duration getPollInterval() { return pollInterval; }
    @JsonProperty public void setPollInterval(Duration pollInterval) { this.pollInterval = pollInterval; }
    @JsonProperty public Duration getShutdownTimeout() { return shutdownTimeout; }
    @JsonProperty public void setShutdownTimeout(Duration shutdownTimeout) { this.shutdownTimeout = shutdownTimeout; }
    @JsonProperty public Duration getDeleteSucceededAfter() { return deleteSucceededAfter; }
    @JsonProperty public void setDeleteSucceededAfter(Duration d) { this.deleteSucceededAfter = d; }
    @JsonProperty public Duration getPermanentlyDeleteDeletedAfter() { return permanentlyDeleteDeletedAfter; }
    @JsonProperty public void setPermanentlyDeleteDeletedAfter(Duration d) { this.permanentlyDeleteDeletedAfter = d; }
    @JsonProperty public boolean isDashboardEnabled() { return dashboardEnabled; }
    @JsonProperty public void setDashboardEnabled(boolean dashboardEnabled) { this.dashboardEnabled = dashboardEnabled; }
    @JsonProperty public int getDashboardPort() { return dashboardPort; }
    @JsonProperty public void setDashboardPort(int dashboardPort) { this.dashboardPort = dashboardPort; }
    @JsonProperty public String getDashboardBindHost() { return dashboardBindHost; }
    @JsonProperty public void setDashboardBindHost(String dashboardBindHost) { this.dashboardBindHost = dashboardBindHost; }
    @JsonProperty public String getDashboardUser() { return dashboardUser; }
    @JsonProperty public void setDashboardUser(String dashboardUser) { this.dashboardUser = dashboardUser; }
    @JsonProperty public String getDashboardPassword() { return dashboardPassword; }
    @JsonProperty public void setDashboardPassword(String dashboardPassword) { this.dashboardPassword = dashboardPassword; }
    @JsonProperty public Duration getRelayInterval() { return relayInterval; }
    @JsonProperty public void setRelayInterval(Duration relayInterval) { this.relayInterval = relayInterval; }
    @JsonProperty public int getRelayBatchSize() { return relayBatchSize; }
    @JsonProperty public void setRelayBatchSize(int relayBatchSize) { this.relayBatchSize = relayBatchSize; }
    @JsonProperty public int getStripeEventRetries() { return stripeEventRetries; }
    @JsonProperty public int getStripeEventBatch() { return stripeEventBatch; }
    @JsonProperty public void setStripeEventBatch(int stripeEventBatch) { this.stripeEventBatch = stripeEventBatch; }
    @JsonProperty public void setStripeEventRetries(int stripeEventRetries) { this.stripeEventRetries = stripeEventRetries; }
    @JsonProperty public int getEmailRetries() { return emailRetries; }
    @JsonProperty public void setEmailRetries(int emailRetries) { this.emailRetries = emailRetries; }
    @JsonProperty public Duration getSupervisorInterval() { return supervisorInterval; }
    @JsonProperty public void setSupervisorInterval(Duration supervisorInterval) { this.supervisorInterval = supervisorInterval; }
}
