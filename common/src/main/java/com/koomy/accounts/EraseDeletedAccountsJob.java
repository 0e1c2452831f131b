package com.koomy.accounts;

import org.jobrunr.jobs.lambdas.JobRequestHandler;

/**
 * Runs {@link AccountErasure#eraseDue}: every account whose grace period is over, each step its own
 * transaction. Two runs at once take turns on each account's row lock and find each other's work done.
 */
public class EraseDeletedAccountsJob implements JobRequestHandler<EraseDeletedAccounts> {

    private final AccountErasure erasure;

    public EraseDeletedAccountsJob(AccountErasure erasure) {
        this.erasure = erasure;
    }

    @Override
    public void run(EraseDeletedAccounts request) {
        erasure.eraseDue();
    }
}
