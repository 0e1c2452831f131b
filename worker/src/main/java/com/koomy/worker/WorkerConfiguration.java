package com.koomy.worker;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.koomy.config.KoomyConfiguration;
import com.koomy.config.RetentionFactory;
import com.koomy.worker.jobs.JobsFactory;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

public class WorkerConfiguration extends KoomyConfiguration {

    @Valid @NotNull private JobsFactory jobs = new JobsFactory();

    /** Data retention's recurring jobs (issue 23; docs/operations.md, "Data retention"). */
    @Valid @NotNull private RetentionFactory retention = new RetentionFactory();

    @JsonProperty public JobsFactory getJobs() { return jobs; }
    @JsonProperty public void setJobs(JobsFactory jobs) { this.jobs = jobs; }
    @JsonProperty public RetentionFactory getRetention() { return retention; }
    @JsonProperty public void setRetention(RetentionFactory retention) { this.retention = retention; }
}
