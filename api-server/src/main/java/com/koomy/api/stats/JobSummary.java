package com.koomy.api.stats;

import jakarta.annotation.Nullable;
import com.koomy.db.ReadDatabase;
import com.koomy.ops.OpsCountsDao;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Jobs over the last minutes, from JobRunr's table: ended per minute (SUCCEEDED, FAILED with retries
 * exhausted), the error rate, run time (JobRunr's {@code processDuration}) mean/p95/p99, and per job
 * type (its signature) what waits, runs and ended. JobRunr deletes succeeded jobs after the worker's
 * {@code deleteSucceededAfter}; figures are exact while that is longer than the window.
 */
public record JobSummary(long succeeded, long failed, @Nullable Double errorRate, @Nullable Double meanMs, @Nullable Long p95Ms, @Nullable Long p99Ms,
                         List<Minute> perMinute, List<JobType> byType) {

    /** Durations read per summary, newest first: enough for percentiles, bounded for the database. */
    static final int MAX_DURATIONS = 5000;

    public record Minute(String minute, long succeeded, long failed) {
    }

    public record JobType(String job, long enqueued, long processing, long scheduled, long succeeded, long failed,
                          @Nullable Double meanMs, @Nullable Long p95Ms) {
    }

    public static JobSummary load(ReadDatabase reads, Instant now, int minutes) {
        long toMinute = now.getEpochSecond() / 60;
        long fromMinute = toMinute - minutes + 1;
        Timestamp since = Timestamp.from(Instant.ofEpochSecond(fromMinute * 60));
        return reads.withHandle(handle -> {
            OpsCountsDao dao = handle.attach(OpsCountsDao.class);
            if (!dao.jobTablesExist()) {
                return new JobSummary(0, 0, null, null, null, null, List.of(), List.of());
            }
            Map<Long, long[]> ended = new TreeMap<>();
            for (OpsCountsDao.MinuteCount row : dao.jobsEndedPerMinute(since)) {
                long[] counts = ended.computeIfAbsent(row.minute().toInstant().getEpochSecond() / 60, m -> new long[2]);
                counts["FAILED".equals(row.state()) ? 1 : 0] += row.n();
            }
            List<Minute> perMinute = new ArrayList<>();
            long succeeded = 0;
            long failed = 0;
            for (long m = fromMinute; m <= toMinute; m++) {
                long[] c = ended.getOrDefault(m, new long[2]);
                perMinute.add(new Minute(Instant.ofEpochSecond(m * 60).toString(), c[0], c[1]));
                succeeded += c[0];
                failed += c[1];
            }
            Map<String, List<Long>> durations = new HashMap<>();
            List<Long> all = new ArrayList<>();
            for (OpsCountsDao.JobDuration d : dao.jobDurationsSince(since, MAX_DURATIONS)) {
                Long ms = millis(d.processDuration());
                if (ms != null) {
                    durations.computeIfAbsent(d.jobSignature(), s -> new ArrayList<>()).add(ms);
                    all.add(ms);
                }
            }
            Map<String, Map<String, Long>> counts = new HashMap<>();
            dao.jobsByType(since).forEach(t -> counts.computeIfAbsent(t.jobSignature(), s -> new HashMap<>()).put(t.state(), t.n()));
            List<JobType> byType = counts.entrySet().stream().map(e -> {
                List<Long> ms = durations.getOrDefault(e.getKey(), List.of());
                Map<String, Long> c = e.getValue();
                return new JobType(e.getKey(), c.getOrDefault("ENQUEUED", 0L), c.getOrDefault("PROCESSING", 0L),
                        c.getOrDefault("SCHEDULED", 0L), c.getOrDefault("SUCCEEDED", 0L), c.getOrDefault("FAILED", 0L),
                        mean(ms), percentile(ms, 0.95));
            }).sorted(Comparator.comparing(JobType::meanMs, Comparator.nullsLast(Comparator.reverseOrder()))).toList();
            long ends = succeeded + failed;
            return new JobSummary(succeeded, failed, ends == 0 ? null : (double) failed / ends, mean(all),
                    percentile(all, 0.95), percentile(all, 0.99), perMinute, byType);
        });
    }

    /** JobRunr's Jackson mapper writes a Duration as decimal seconds; an ISO-8601 form is read too. */
    static Long millis(String duration) {
        if (duration == null || duration.isBlank()) {
            return null;
        }
        try {
            return duration.startsWith("P") ? Duration.parse(duration).toMillis()
                    : new BigDecimal(duration).movePointRight(3).longValue();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Double mean(List<Long> values) {
        return values.isEmpty() ? null
                : Math.round(10.0 * values.stream().mapToLong(Long::longValue).sum() / values.size()) / 10.0;
    }

    private static Long percentile(List<Long> values, double q) {
        if (values.isEmpty()) {
            return null;
        }
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1));
    }
}
