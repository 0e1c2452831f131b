package com.koomy.api.alerts;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * Alert thresholds (the capacity analysis' figures by default), each overridable from the
 * environment in config/api.yml. Latency and error rate are judged over the last {@code window}
 * of all instances' requests, and only once at least {@code minRequests} were served, so one slow
 * request on a quiet night is not an alert.
 */
public class AlertsFactory {

    @NotNull private Duration evaluateEvery = Duration.seconds(10);
    @NotNull private Duration window = Duration.minutes(5);
    @Min(1) private long minRequests = 20;
    @NotNull private Duration meanLatencyOver = Duration.milliseconds(500);
    @NotNull private Duration p95LatencyOver = Duration.milliseconds(2000);
    @DecimalMin("0") @DecimalMax("1") private double errorRateOver = 0.01;
    @DecimalMin("0") @DecimalMax("1") private double dbPoolBusyOver = 0.8;
    @DecimalMin("0") @DecimalMax("1") private double heapUsedOver = 0.8;
    @Min(0) private long webhookFailuresPerHourOver = 5;
    @NotNull private Duration oldestQueuedJobOver = Duration.minutes(10);
    @NotNull private Duration failedJobsWindow = Duration.minutes(15);
    @Min(0) private long failedJobsOver = 0;

    @JsonProperty public Duration getEvaluateEvery() { return evaluateEvery; }
    @JsonProperty public void setEvaluateEvery(Duration d) { this.evaluateEvery = d; }
    @JsonProperty public Duration getWindow() { return window; }
    @JsonProperty public void setWindow(Duration d) { this.window = d; }
    @JsonProperty public long getMinRequests() { return minRequests; }
    @JsonProperty public void setMinRequests(long n) { this.minRequests = n; }
    @JsonProperty public Duration getMeanLatencyOver() { return meanLatencyOver; }
    @JsonProperty public void setMeanLatencyOver(Duration d) { this.meanLatencyOver = d; }
    @JsonProperty public Duration getP95LatencyOver() { return p95LatencyOver; }
    @JsonProperty public void setP95LatencyOver(Duration d) { this.p95LatencyOver = d; }
    @JsonProperty public double getErrorRateOver() { return errorRateOver; }
    @JsonProperty public void setErrorRateOver(double r) { this.errorRateOver = r; }
    @JsonProperty public double getDbPoolBusyOver() { return dbPoolBusyOver; }
    @JsonProperty public void setDbPoolBusyOver(double r) { this.dbPoolBusyOver = r; }
    @JsonProperty public double getHeapUsedOver() { return heapUsedOver; }
    @JsonProperty public void setHeapUsedOver(double r) { this.heapUsedOver = r; }
    @JsonProperty public long getWebhookFailuresPerHourOver() { return webhookFailuresPerHourOver; }
    @JsonProperty public void setWebhookFailuresPerHourOver(long n) { this.webhookFailuresPerHourOver = n; }
    @JsonProperty public Duration getOldestQueuedJobOver() { return oldestQueuedJobOver; }
    @JsonProperty public void setOldestQueuedJobOver(Duration d) { this.oldestQueuedJobOver = d; }
    @JsonProperty public Duration getFailedJobsWindow() { return failedJobsWindow; }
    @JsonProperty public void setFailedJobsWindow(Duration d) { this.failedJobsWindow = d; }
    @JsonProperty public long getFailedJobsOver() { return failedJobsOver; }
    @JsonProperty public void setFailedJobsOver(long n) { this.failedJobsOver = n; }
}
