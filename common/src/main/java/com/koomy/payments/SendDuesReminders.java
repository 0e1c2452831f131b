package com.koomy.payments;

import org.jobrunr.jobs.lambdas.JobRequest;
import org.jobrunr.jobs.lambdas.JobRequestHandler;

/** The recurring job "send the dues reminders due today" (stable id {@value #RECURRING_ID}). */
public record SendDuesReminders() implements JobRequest {

    public static final String RECURRING_ID = "dues-reminders";

    @Override
    public Class<Handler> getJobRequestHandler() {
        return Handler.class;
    }

    public static class Handler implements JobRequestHandler<SendDuesReminders> {
        private final DuesReminders reminders;

        public Handler(DuesReminders reminders) {
            this.reminders = reminders;
        }

        @Override
        public void run(SendDuesReminders request) {
            reminders.run();
        }
    }
}
