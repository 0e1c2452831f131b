package com.koomy.api.alerts;

import com.koomy.api.stats.OpsSnapshot;
import com.koomy.api.stats.RequestSummary;

/** What one evaluation judges: the last database sample and the requests of the alert window. */
public record AlertInputs(OpsSnapshot snapshot, RequestSummary requests, String requestsScope) {
}
