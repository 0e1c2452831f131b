package com.koomy.accounts;

import org.jobrunr.jobs.lambdas.JobRequest;

/** The recurring job "erase the accounts whose deletion grace period is over" (issue 21). */
public record EraseDeletedAccounts() implements JobRequest {

    /** Stable id of the recurring job, so every worker start registers the same one. */
    public static final String RECURRING_ID = "account-erasure";

    @Override
    public Class<EraseDeletedAccountsJob> getJobRequestHandler() {
        return EraseDeletedAccountsJob.class;
    }
}
