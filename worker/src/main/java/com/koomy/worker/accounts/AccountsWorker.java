package com.koomy.worker.accounts;

import com.koomy.accounts.AccountExport;
import com.koomy.accounts.BuildAccountExport;
import com.koomy.accounts.BuildAccountExportJob;
import com.koomy.worker.jobs.OutboxRoutes;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.scheduling.JobBuilder;

import java.util.Map;
import java.util.UUID;

/** A member's own account (issue 21): "export my data", one archive per request, built in one statement. */
public final class AccountsWorker {

    private static final int EXPORT_RETRIES = 3;

    private final BuildAccountExportJob buildExport;

    public AccountsWorker(Jdbi jdbi) {
        this.buildExport = new BuildAccountExportJob(jdbi);
    }

    public Map<Class<?>, Object> jobs() {
        return Map.of(BuildAccountExportJob.class, buildExport);
    }

    public void routes(OutboxRoutes routes) {
        routes.route(AccountExport.OUTBOX_KIND, exportId -> JobBuilder.aJob()
                .withName("Build data export " + exportId)
                .withAmountOfRetries(EXPORT_RETRIES)
                .withJobRequest(new BuildAccountExport(UUID.fromString(exportId))));
    }
}
