package com.koomy.load;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpRequestActionBuilder;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.core.CoreDsl.stopLoadGeneratorIf;
import static io.gatling.javaapi.http.HttpDsl.status;

/** The requests of the {@link Journeys}, measured by the {@link Recorder}, and the run's end once a step crossed the limit. */
final class MeasuredCalls {

    private MeasuredCalls() {
    }

    /**
     * Before every request: once a step has crossed the limit, the run ends here (within one think time
     * of the decision, not at the end of a long journey).
     */
    static final ChainBuilder STOP_IF_CROSSED = exec(stopLoadGeneratorIf(s -> "limit crossed: " + Recorder.stopReason(),
            s -> Recorder.stopRequested()));

    /** One measured request: its status and response time go to the Recorder, whatever they are. */
    static ChainBuilder call(String name, HttpRequestActionBuilder request) {
        return exec(STOP_IF_CROSSED)
                .exec(s -> s.remove("koomyStatus").remove("koomyRt").set("koomyT0", System.currentTimeMillis()))
                .exec(request.check(status().saveAs("koomyStatus"), responseTimeInMillis().saveAs("koomyRt")))
                .exec(s -> {
                    Recorder.record(name, s, s.getLong("koomyT0"));
                    // Our own accounting decides what an error is; Gatling's KO must not end the journey.
                    return s.markAsSucceeded();
                });
    }

    static boolean answered(Session s, int code) {
        return s.contains("koomyStatus") && ((Number) s.get("koomyStatus")).intValue() == code;
    }
}
