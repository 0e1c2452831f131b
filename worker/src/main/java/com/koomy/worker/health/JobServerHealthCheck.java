package com.koomy.worker.health;

import com.codahale.metrics.health.HealthCheck;
import com.koomy.worker.jobs.JobServerSupervisor;

/** This worker's own background job server is processing (not stopped by storage errors). */
public class JobServerHealthCheck extends HealthCheck {

    private final JobServerSupervisor supervisor;

    public JobServerHealthCheck(JobServerSupervisor supervisor) {
        this.supervisor = supervisor;
    }

    @Override
    protected Result check() {
        return supervisor.isProcessing()
                ? Result.healthy("background job server processing")
                : Result.unhealthy("background job server stopped; restarting once the database answers");
    }
}
