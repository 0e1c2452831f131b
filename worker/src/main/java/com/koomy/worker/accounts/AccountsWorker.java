package com.koomy.worker.accounts;

import com.koomy.accounts.AccountErasure;
import com.koomy.accounts.AccountExport;
import com.koomy.accounts.BuildAccountExport;
import com.koomy.accounts.BuildAccountExportJob;
import com.koomy.accounts.EraseDeletedAccounts;
import com.koomy.accounts.EraseDeletedAccountsJob;
import com.koomy.accounts.SessionStore;
import com.koomy.config.AccountDeletionFactory;
import com.koomy.worker.jobs.OutboxRoutes;
import io.dropwizard.lifecycle.Managed;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.scheduling.JobBuilder;
import org.jobrunr.scheduling.JobRequestScheduler;
import org.jobrunr.scheduling.RecurringJobBuilder;

import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A member's own account (issue 21): "export my data", one archive per request, built in one statement; and the
 * recurring erasure of accounts whose deletion grace period is over ({@link AccountErasure}).
 */
public final class AccountsWorker {

    private static final int EXPORT_RETRIES = 3;

    private final BuildAccountExportJob buildExport;
    private final EraseDeletedAccountsJob erase;
    private final AccountDeletionFactory deletion;

    /** {@code sessions}: only revokes (an erased account's sessions, should any be left). */
    public AccountsWorker(Jdbi jdbi, SessionStore sessions, AccountDeletionFactory deletion) {
        this.buildExport = new BuildAccountExportJob(jdbi);
        this.erase = new EraseDeletedAccountsJob(new AccountErasure(jdbi, sessions, Clock.systemUTC(), deletion.getEmailBatch()));
        this.deletion = deletion;
    }

    public Map<Class<?>, Object> jobs() {
        return Map.of(BuildAccountExportJob.class, buildExport, EraseDeletedAccountsJob.class, erase);
    }

    public void routes(OutboxRoutes routes) {
        routes.route(AccountExport.OUTBOX_KIND, exportId -> JobBuilder.aJob()
                .withName("Build data export " + exportId)
                .withAmountOfRetries(EXPORT_RETRIES)
                .withJobRequest(new BuildAccountExport(UUID.fromString(exportId))));
    }

    /** Registered at every start under a stable id: JobRunr keeps one recurring job, shown on its dashboard. */
    public Managed recurringJobs(Supplier<JobRequestScheduler> scheduler) {
        return new Managed() {
            @Override
            public void start() {
                scheduler.get().createRecurrently(RecurringJobBuilder.aRecurringJob()
                        .withId(EraseDeletedAccounts.RECURRING_ID)
                        .withName("Erase accounts whose deletion grace period is over")
                        .withInterval(deletion.getErasureEvery().toJavaDuration())
                        .withJobRequest(new EraseDeletedAccounts()));
            }
        };
    }
}
