package com.koomy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * "Delete my account" (issue 21): the grace period the API gives (the erasure date is fixed at the request),
 * and how often and in what batches the worker's recurring job erases accounts whose grace period is over.
 * docs/architecture.md, "Account deletion".
 */
public class AccountDeletionFactory {

    /** From the request to the erasure; the account holder can cancel until then. */
    @NotNull private Duration grace = Duration.days(30);
    /** How often the worker's recurring job looks for accounts to erase. */
    @NotNull private Duration erasureEvery = Duration.hours(1);
    /** Rows of {@code emails} read per transaction by the erasure's pass over emails. */
    @Min(10) @Max(100_000) private int emailBatch = 2_000;

    @JsonProperty public Duration getGrace() { return grace; }
    @JsonProperty public void setGrace(Duration grace) { this.grace = grace; }
    @JsonProperty public Duration getErasureEvery() { return erasureEvery; }
    @JsonProperty public void setErasureEvery(Duration erasureEvery) { this.erasureEvery = erasureEvery; }
    @JsonProperty public int getEmailBatch() { return emailBatch; }
    @JsonProperty public void setEmailBatch(int emailBatch) { this.emailBatch = emailBatch; }
}
