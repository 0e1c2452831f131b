package com.koomy.accounts;

import org.jdbi.v3.core.Jdbi;
import org.jobrunr.jobs.lambdas.JobRequestHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds an account's data export (profile, memberships, payments, tickets, emails sent to it,
 * consents) in one statement and marks it ready. Idempotent: an export no longer pending (built,
 * downloaded, replaced) is left alone. Fails loudly when the export row is gone.
 */
public class BuildAccountExportJob implements JobRequestHandler<BuildAccountExport> {

    private static final Logger LOG = LoggerFactory.getLogger(BuildAccountExportJob.class);

    private final Jdbi jdbi;

    public BuildAccountExportJob(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public void run(BuildAccountExport request) {
        build(request);
    }

    public void build(BuildAccountExport request) {
        AccountExport export = jdbi.withExtension(AccountExportDao.class, dao -> dao.findById(request.exportId()))
                .orElseThrow(() -> new IllegalStateException("account export " + request.exportId() + " does not exist"));
        int built = jdbi.withExtension(AccountExportDao.class, dao -> dao.build(export.id()));
        LOG.info("Account export {} of account {}: {}", export.id(), export.accountId(),
                built == 1 ? "archive built" : "already " + export.status() + ", nothing to do");
    }
}
