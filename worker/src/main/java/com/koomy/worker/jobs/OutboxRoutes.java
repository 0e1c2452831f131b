package com.koomy.worker.jobs;

import com.koomy.jobs.JobIds;
import org.jobrunr.scheduling.JobBuilder;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * For each outbox kind, the JobRunr job that does the work, built with a JobRequest (see
 * {@link com.koomy.webhooks.ApplyStripeEvent} for why); every job id derives from (kind, ref).
 */
public class OutboxRoutes {

    private final Map<String, Function<String, JobBuilder>> byKind = new HashMap<>();

    /** {@code details} fills in the job's name, retries and lambda; the id is set here. */
    public OutboxRoutes route(String kind, Function<String, JobBuilder> details) {
        byKind.put(kind, ref -> details.apply(ref).withId(JobIds.of(kind, ref)));
        return this;
    }

    /** The kinds this worker can turn into jobs; the relay claims only these. */
    public List<String> kinds() {
        return List.copyOf(byKind.keySet());
    }

    public Optional<JobBuilder> jobFor(String kind, String ref) {
        return Optional.ofNullable(byKind.get(kind)).map(f -> f.apply(ref));
    }
}
