package com.koomy.api.health;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/**
 * The body of {@code GET /api/health}, 200 and 503 alike. {@code failed} and {@code degraded} appear only when
 * they name a check; {@code checks}, {@code alerts}, {@code uptimeSeconds} and {@code memory} only for operators.
 * A check's entry is {@code healthy}, its {@code message} if any and the check's own details beside them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HealthReport(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"healthy", "unhealthy"}) String status,
                           List<String> failed, List<String> degraded,
                           @Schema(additionalPropertiesSchema = Check.class) Map<String, Map<String, Object>> checks,
                           @Schema(additionalPropertiesSchema = Check.class) Map<String, Map<String, Object>> alerts,
                           Long uptimeSeconds, Memory memory) {

    /**
     * How a check's entry reads (the document's view of {@code HealthResource.describe}): {@code healthy}, the
     * {@code message} when there is one, and the check's own details as further properties.
     */
    @Schema(additionalProperties = Schema.AdditionalPropertiesValue.TRUE)
    public record Check(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) boolean healthy, String message) {
    }

    /** The JVM's memory; {@code heapUsedRatio} is null when the heap has no maximum. */
    public record Memory(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) long heapUsedBytes,
                         @Schema(requiredMode = Schema.RequiredMode.REQUIRED) long heapMaxBytes,
                         Double heapUsedRatio,
                         @Schema(requiredMode = Schema.RequiredMode.REQUIRED) long nonHeapUsedBytes) {
    }
}
