package com.koomy.worker.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The log of a process started from its jar: JSON lines with every field, checked line by line. */
final class JsonLogLines {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonLogLines() {
    }

    /**
     * Every line is one JSON object. Request lines (logger koomy.request) carry timestamp, level,
     * method, path, status, durationMs, userAgent and requestId; every other line timestamp, level,
     * logger and message.
     */
    static void assertJsonLogs(Path log, boolean api, String requestId) throws IOException {
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).as(log.toString()).isNotEmpty();
        int requests = 0;
        boolean ours = false;
        for (String line : lines) {
            JsonNode entry;
            try {
                entry = JSON.readTree(line);
            } catch (IOException e) {
                throw new AssertionError(log.getFileName() + ": not JSON: " + line, e);
            }
            assertThat(entry.isObject()).as(line).isTrue();
            List<String> fields = "koomy.request".equals(entry.path("logger").asText())
                    ? List.of("timestamp", "level", "method", "path", "status", "durationMs", "userAgent", "requestId")
                    : List.of("timestamp", "level", "logger", "message");
            for (String field : fields) {
                assertThat(entry.has(field)).as("%s: field %s in %s", log.getFileName(), field, line).isTrue();
            }
            if ("koomy.request".equals(entry.path("logger").asText())) {
                requests++;
                if (requestId != null && requestId.equals(entry.path("requestId").asText())) {
                    ours = true;
                    assertThat(entry.path("method").asText()).isEqualTo("POST");
                    assertThat(entry.path("path").asText()).isEqualTo("/api/webhooks/stripe");
                    assertThat(entry.path("status").asInt()).isEqualTo(200);
                    assertThat(entry.path("durationMs").isNumber()).isTrue();
                    assertThat(entry.path("userAgent").asText()).isEqualTo("DashboardBrowserIT");
                }
            }
        }
        if (api) {
            assertThat(requests).as("request lines in " + log.getFileName()).isPositive();
            assertThat(ours).as("the webhook's request line, id " + requestId).isTrue();
        }
        System.out.printf("%s: %d JSON lines, %d request lines%n", log.getFileName(), lines.size(), requests);
    }
}
