package com.koomy.email;

import com.koomy.newsletters.Newsletters;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.filters.JobServerFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A delivery that exhausted JobRunr's retries ends {@code failed}, its last error kept. */
public class EmailFailureFilter implements JobServerFilter {

    private static final Logger LOG = LoggerFactory.getLogger(EmailFailureFilter.class);

    private final Jdbi jdbi;

    public EmailFailureFilter(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public void onFailedAfterRetries(Job job) {
        if (job.getJobDetails().getJobParameters().isEmpty()
                || !(job.getJobDetails().getJobParameters().get(0).getObject() instanceof SendEmail request)) {
            return;
        }
        LOG.error("Email {} could not be delivered and has no retries left; it is marked failed", request.emailId());
        jdbi.useTransaction(handle -> {
            EmailDao dao = handle.attach(EmailDao.class);
            if (dao.markFailed(request.emailId(), null) > 0) {
                dao.find(request.emailId()).ifPresent(email -> Newsletters.afterBatch(handle, email));
            }
        });
    }
}
