package com.koomy.jobs;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Job ids derived from what a job is about, so that enqueuing the same work twice (a relay that
 * crashed after JobRunr stored its jobs, two relays racing) makes one job: JobRunr ignores a job
 * whose id it already holds.
 */
public final class JobIds {

    private JobIds() {
    }

    public static UUID of(String kind, String ref) {
        return UUID.nameUUIDFromBytes((kind + ":" + ref).getBytes(StandardCharsets.UTF_8));
    }
}
