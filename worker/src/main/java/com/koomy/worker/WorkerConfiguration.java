package com.koomy.worker;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.koomy.config.KoomyConfiguration;
import com.koomy.worker.jobs.JobsFactory;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

public class WorkerConfiguration extends KoomyConfiguration {

    @Valid @NotNull private JobsFactory jobs = new JobsFactory();

    @JsonProperty public JobsFactory getJobs() { return jobs; }
    @JsonProperty public void setJobs(JobsFactory jobs) { this.jobs = jobs; }
}
