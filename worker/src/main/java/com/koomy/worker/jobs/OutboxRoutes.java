package com.koomy.worker.jobs;

import com.koomy.jobs.JobIds;
import com.koomy.jobs.OutboxEntry;
import org.jobrunr.scheduling.JobBuilder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * For each outbox kind, the JobRunr job that does the work, built with a JobRequest (see
 * {@link com.koomy.webhooks.ApplyStripeEvent} for why). Most kinds make one job per row; a batched
 * kind makes one job per group of up to {@code maxPerJob} rows claimed in the same pass. Every job id
 * derives from its kind and ref(s), so the same rows relayed twice (a relay that died after JobRunr
 * stored its jobs) make the same ids.
 */
public class OutboxRoutes {

    private record Batched(int maxPerJob, Function<List<String>, JobBuilder> job) {
    }

    private final Map<String, Function<String, JobBuilder>> byKind = new HashMap<>();
    private final Map<String, Batched> batchedByKind = new HashMap<>();

    /** {@code details} fills in the job's name, retries and request; the id is set here. */
    public OutboxRoutes route(String kind, Function<String, JobBuilder> details) {
        byKind.put(kind, ref -> details.apply(ref).withId(JobIds.of(kind, ref)));
        return this;
    }

    /** Rows of {@code kind} become jobs of up to {@code maxPerJob} refs each, in the order they were written. */
    public OutboxRoutes routeInBatches(String kind, int maxPerJob, Function<List<String>, JobBuilder> details) {
        batchedByKind.put(kind, new Batched(maxPerJob,
                refs -> details.apply(refs).withId(JobIds.of(kind, String.join(",", refs)))));
        return this;
    }

    /** The kinds this worker can turn into jobs; the relay claims only these. */
    public List<String> kinds() {
        List<String> kinds = new ArrayList<>(byKind.keySet());
        kinds.addAll(batchedByKind.keySet());
        return kinds;
    }

    public Optional<JobBuilder> jobFor(String kind, String ref) {
        return Optional.ofNullable(byKind.get(kind)).map(f -> f.apply(ref));
    }

    /** The jobs for claimed rows; throws for a kind this worker cannot route (it claims only its own). */
    public List<JobBuilder> jobsFor(List<OutboxEntry> entries) {
        List<JobBuilder> jobs = new ArrayList<>();
        Map<String, List<String>> batchedRefs = new LinkedHashMap<>();
        for (OutboxEntry entry : entries) {
            if (batchedByKind.containsKey(entry.kind())) {
                batchedRefs.computeIfAbsent(entry.kind(), k -> new ArrayList<>()).add(entry.ref());
            } else {
                jobs.add(jobFor(entry.kind(), entry.ref())
                        .orElseThrow(() -> new IllegalStateException("no route for outbox kind " + entry.kind())));
            }
        }
        batchedRefs.forEach((kind, refs) -> {
            Batched batched = batchedByKind.get(kind);
            for (int from = 0; from < refs.size(); from += batched.maxPerJob()) {
                jobs.add(batched.job().apply(List.copyOf(refs.subList(from, Math.min(refs.size(), from + batched.maxPerJob())))));
            }
        });
        return jobs;
    }
}
